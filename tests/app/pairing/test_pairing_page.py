"""The pairing page reads as an organizer needs it: how well each person fits, and a mismatch
visible without unfolding anything."""

from __future__ import annotations

import html
import re

from app.services.pairing import proposals


def test_proposals_show_fit_and_a_topic_mismatch_up_front(db, client, auth, create_user, create_event,
                                                          create_role_model, create_request):
    organizer = create_user(academies=["paris"])
    request, _ = create_request(topics=["aéronautique"])
    event = create_event(organizer=organizer, role_models_max=1, visit_request_id=request.id,
                         topics=["aéronautique"])
    create_role_model(first_name="Laure", last_name="Laitière", sectors=["agroalimentaire"],
                      job_title="Directrice de laiterie", home_departement="75")
    [proposal] = proposals.propose(event).created
    auth.login(organizer.email)
    page = html.unescape(client.get(f"/organisation/evenements/{event.id}").get_data(as_text=True))
    before_details = page.split("<details>")[0]
    assert f"Adéquation\u00a0: {proposal.explanation['fit']} %" in before_details
    assert "Métier éloigné du thème demandé" in before_details
    assert "Thèmes en phase avec la demande" not in page and "Parle la langue demandée" not in page
    assert re.search(r"moins il y en a, meilleure est la proposition", page)
