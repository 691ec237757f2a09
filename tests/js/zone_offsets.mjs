// UTC offsets that Mozilla's ical.js gives wall-clock times in a VTIMEZONE, to compare
// with zoneinfo.
//
//   node zone_offsets.mjs FILE FIRST HOURS
//
// FILE is a VCALENDAR holding one VTIMEZONE; FIRST a wall time such as 2026-01-01T00.
// Prints one JSON array: the offset in seconds ical.js gives each of HOURS wall times
// from FIRST, one hour apart, read as a DTSTART;TZID=... would be, through ical.js's own
// expansion of our observances (not its zone database).
//
// Wall times are what a feed writes; asking ical.js to convert UTC instants instead
// measures its conversion code, which lands an hour off just after the spring change
// whatever VTIMEZONE it is given.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [file, first, count] = process.argv.slice(2);
const root = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
const zone = new ICAL.Timezone(root.getFirstSubcomponent("vtimezone"));
const [date, hour] = first.split("T");
const [year, month, day] = date.split("-").map(Number);
const origin = Date.UTC(year, month - 1, day, Number(hour));
const offsets = [];
for (let index = 0; index < Number(count); index += 1) {
  const wall = new Date(origin + index * 3600 * 1000);
  const time = new ICAL.Time({
    year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(),
    hour: wall.getUTCHours(), minute: 0, second: 0, isDate: false,
  }, zone);
  offsets.push(zone.utcOffset(time));
}
process.stdout.write(JSON.stringify(offsets) + "\n");
