"""Calendar feeds, all in one package: what each audience sees and how it is rendered, the
secret feed URLs, the render cache keyed on a data stamp, and the speed layers in front of the
app that answer most polls without Flask's request handling (hot reads, the stamp watch, the
fast path). The blueprint of routes is `app.web.feeds`.
"""
