// Parse iCalendar files with Mozilla's ical.js (the parser inside Thunderbird).
//
//   node check_ical.mjs FILE...     check each file
//   node check_ical.mjs < FILE      check one calendar read from stdin
//
// ical.js decodes values lazily, so after parsing we walk every component and property
// and read every value; each VEVENT is also read as an ICAL.Event with its zone.
// Prints one JSON line per input ({"file", "ok", "error", "events"}) and exits 1 if any
// input failed.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function walk(component) {
  for (const property of component.getAllProperties()) {
    for (const value of property.getValues()) {
      if (value !== null && typeof value === "object" && typeof value.toString === "function") {
        value.toString();
      }
    }
  }
  for (const child of component.getAllSubcomponents()) {
    walk(child);
  }
}

function check(text) {
  const root = new ICAL.Component(ICAL.parse(text));
  if (root.name !== "vcalendar") {
    throw new Error(`top component is ${root.name}, not vcalendar`);
  }
  const zones = new Map();
  for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
    const zone = new ICAL.Timezone(vtimezone);
    zones.set(zone.tzid, zone);
  }
  walk(root);
  let events = 0;
  for (const vevent of root.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    if (!event.uid) throw new Error("VEVENT without UID");
    for (const time of [event.startDate, event.endDate]) {
      if (!time) throw new Error(`VEVENT ${event.uid} without start or end`);
      const tzid = vevent.getFirstProperty(time === event.startDate ? "dtstart" : "dtend")
        ?.getParameter("tzid");
      if (tzid && !zones.has(tzid)) throw new Error(`TZID ${tzid} has no VTIMEZONE`);
      if (tzid) time.zone = zones.get(tzid);
      if (Number.isNaN(time.toUnixTime())) throw new Error(`bad time in ${event.uid}`);
    }
    if (event.endDate.compare(event.startDate) < 0) {
      throw new Error(`VEVENT ${event.uid} ends before it starts`);
    }
    events += 1;
  }
  return events;
}

const files = process.argv.slice(2);
const inputs = files.length
  ? files.map((file) => [file, () => readFileSync(file, "utf8")])
  : [["<stdin>", () => readFileSync(0, "utf8")]];
let failed = 0;
for (const [file, read] of inputs) {
  try {
    const events = check(read());
    console.log(JSON.stringify({ file, ok: true, events }));
  } catch (error) {
    failed += 1;
    console.log(JSON.stringify({ file, ok: false, error: String(error && error.message || error) }));
  }
}
process.exit(failed ? 1 : 0);
