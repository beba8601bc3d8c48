#!/usr/bin/env bash
# Builds the sample store in examples/store with lsms itself, each step at
# its own time (LSMS_NOW), so the files are exactly what the tool writes.
# Every name and event is fictional. Ids are random: a rebuild differs.
#
#   bash examples/make-store.sh [path/to/lsms]
set -euo pipefail
cd "$(dirname "$0")"
lsms=${1:-../target/release/lsms}
store=store
rm -rf "$store"
"$lsms" init "$store" --trust "Northshire Community Health NHS Trust (fictional)" >/dev/null 2>&1
cat >>"$store/lsms.yaml" <<'YAML'
sites: [Hollins Park, Peasley Cross, Whiston Lodge]
team: [jfowlis, asmith, rpatel]
categories: [lone-worker-alarm]
YAML
sed -i '/^# /d' "$store/lsms.yaml"

# at TIME WHO lsms-arguments…
at() { local t=$1 who=$2; shift 2; LSMS_NOW=$t "$lsms" -q -C "$store" --as "$who" "$@"; }
report() { local t=$1; shift; at "$t" jfowlis report "$@"; }

# 1. A closed physical assault with a sanction
a=$(report 2026-01-06T10:12:00Z --category physical-assault --summary "Visitor struck a nurse at A&E reception" \
  --occurred "2026-01-06 09:40" --reported "2026-01-06 09:55" --site "Hollins Park" --location "A&E reception" \
  --reporter "J. Bloggs" --reporter-party staff --asset people --person "victim:staff:A. Nurse" \
  --person alleged-offender:visitor --harm low --police-ref MP/26/0000412 \
  --description $'The visitor was angry about waiting times and struck the nurse on the arm.\nSecurity attended and the police were called.')
at 2026-01-06T10:30:00Z jfowlis assign "$a" --to asmith
at 2026-01-07T09:00:00Z asmith update "$a" --status investigating --medical-factors no --riddor not-reportable --riddor-basis "No injury needing time off"
at 2026-01-08T14:00:00Z asmith note "$a" "Statement taken from the witness at reception"
at 2026-01-20T11:00:00Z asmith sanction "$a" --class civil --kind warning-letter --date 2026-01-20 --review-on 2026-07-20
at 2026-01-21T09:00:00Z asmith close "$a" --outcome sanction-applied --note "Warning letter sent; no further incidents"

# 2. Non-physical assault, awaiting the police
b=$(report 2026-02-03T16:05:00Z --category non-physical-assault --summary "-- threat left on the ward voicemail" \
  --occurred "2026-02-03 02:10" --site "Peasley Cross" --location "Ward 2" --reporter-party staff \
  --person victim:staff --person alleged-offender:public --police-ref MP/26/0001187)
at 2026-02-04T09:00:00Z jfowlis assign "$b" --to rpatel
at 2026-02-04T10:00:00Z rpatel update "$b" --status investigating
at 2026-02-05T10:00:00Z rpatel update "$b" --status awaiting-external
at 2026-02-05T10:05:00Z rpatel note "$b" "Police are tracing the caller"

# 3. Theft of a laptop, part recovered, closed
c=$(report 2026-02-16T08:30:00Z --category theft --summary "Laptop taken from the ward office" \
  --occurred "2026-02-15 22:00" --reported "2026-02-16 07:45" --site "Whiston Lodge" --location "Ward office" \
  --asset property --loss 850 --police-ref MP/26/0001503)
at 2026-02-16T09:00:00Z jfowlis assign "$c" --to jfowlis
at 2026-02-20T09:00:00Z jfowlis update "$c" --status investigating
at 2026-03-10T15:00:00Z jfowlis loss "$c" --recovered 400 --note "Insurance paid part of the cost"
at 2026-03-11T09:00:00Z jfowlis close "$c" --outcome no-further-action --note "No suspect identified; door lock replaced"

# 4. Drugs missing from a controlled drugs cupboard
d=$(report 2026-03-02T12:00:00Z --category theft --summary "Controlled drugs missing at stock check" \
  --occurred "2026-03-02 07:00" --site "Hollins Park" --location "Pharmacy" --asset drugs --loss 64.20)
at 2026-03-02T13:00:00Z jfowlis assign "$d" --to asmith
at 2026-03-03T09:00:00Z asmith update "$d" --status investigating
at 2026-03-04T09:00:00Z asmith note "$d" "Stock records and CCTV requested"

# 5. Prescription pad stolen
e=$(report 2026-03-18T10:00:00Z --category theft --summary "Prescription pad taken from a clinic room" \
  --occurred "2026-03-17 17:30" --reported "2026-03-18 08:50" --site "Peasley Cross" --location "Clinic 4" \
  --asset prescription-forms --police-ref MP/26/0002290)
at 2026-03-18T11:00:00Z jfowlis assign "$e" --to rpatel
at 2026-04-15T10:00:00Z rpatel close "$e" --outcome referred --note "Referred to the NHS Counter Fraud Authority"

# 6. Criminal damage in the car park
f=$(report 2026-04-07T09:00:00Z --category criminal-damage --summary "Window smashed at the car park office" \
  --occurred "2026-04-06 23:15" --site "Hollins Park" --location "Car park office" --asset property --loss 220.50)
at 2026-04-08T09:00:00Z jfowlis assign "$f" --to jfowlis

# 7. Antisocial behaviour at the entrance
g=$(report 2026-04-21T19:00:00Z --category antisocial-behaviour --summary "Group drinking and shouting at the main entrance" \
  --occurred "2026-04-21 18:30" --site "Whiston Lodge" --location "Main entrance" --person alleged-offender:public)
at 2026-04-22T09:00:00Z jfowlis assign "$g" --to asmith
at 2026-04-30T09:00:00Z asmith close "$g" --outcome no-further-action --note "Patrols increased; not repeated"

# 8. Harassment of a member of staff, sanctioned with an exclusion
h=$(report 2026-05-05T14:00:00Z --category harassment --summary "Former patient repeatedly waiting for a nurse after shifts" \
  --occurred "2026-05-01 20:00" --reported "2026-05-05 13:30" --site "Peasley Cross" --location "Staff car park" \
  --asset people --person "victim:staff:B. Carer" --person "alleged-offender:patient:C. Example" --harm low)
at 2026-05-05T14:10:00Z jfowlis assign "$h" --to rpatel
at 2026-05-06T09:00:00Z rpatel update "$h" --status investigating --riddor not-reportable
at 2026-05-20T10:00:00Z rpatel sanction "$h" --class civil --kind acceptable-behaviour-agreement --date 2026-05-20 --review-on 2026-11-20
at 2026-06-25T10:00:00Z rpatel sanction "$h" --class criminal --kind civil-injunction --date 2026-06-25 --review-on 2027-06-25

# 9. A security concern: a door left wedged open
i=$(report 2026-05-19T08:00:00Z --category security-concern --summary "Keypad door to the pharmacy wedged open" \
  --occurred "2026-05-19 07:40" --site "Hollins Park" --location "Pharmacy corridor" --asset drugs)
at 2026-05-19T09:00:00Z jfowlis assign "$i" --to jfowlis
at 2026-05-20T09:00:00Z jfowlis close "$i" --outcome no-further-action --note "Door closer repaired; staff reminded"

# 10. A lone-worker alarm (the trust's own category)
j=$(report 2026-06-02T23:30:00Z --category lone-worker-alarm --summary "Community nurse raised a lone-worker alarm on a home visit" \
  --occurred "2026-06-02 22:50" --site "Whiston Lodge" --reporter-party staff --person victim:staff --harm none)
at 2026-06-03T09:00:00Z jfowlis assign "$j" --to asmith
at 2026-06-10T09:00:00Z asmith close "$j" --outcome unsubstantiated --note "Alarm pressed by accident; nurse safe"

# 11. A serious assault, RIDDOR reportable
k=$(report 2026-06-15T11:00:00Z --category physical-assault --summary "Patient assaulted a support worker during restraint" \
  --occurred "2026-06-15 09:20" --site "Peasley Cross" --location "Ward 5" --asset people \
  --person "victim:staff:D. Worker" --person alleged-offender:patient --harm moderate)
at 2026-06-15T11:30:00Z jfowlis assign "$k" --to jfowlis
at 2026-06-16T09:00:00Z jfowlis update "$k" --status investigating --medical-factors yes --riddor reportable --riddor-basis "Over seven days off work"
at 2026-06-22T09:00:00Z jfowlis update "$k" --riddor reported --hse-ref "HSE/26/55120" --riddor-reported-on 2026-06-22

# 12. Spitting at a paramedic, police charge
l=$(report 2026-07-04T02:00:00Z --category physical-assault --summary "Visitor spat at a paramedic in the ambulance bay" \
  --occurred "2026-07-04 01:15" --site "Hollins Park" --location "Ambulance bay" --asset people \
  --person victim:staff --person alleged-offender:visitor --harm none --police-ref MP/26/0004410)
at 2026-07-04T09:00:00Z jfowlis assign "$l" --to asmith
at 2026-07-05T09:00:00Z asmith update "$l" --status awaiting-external --medical-factors no
at 2026-09-01T09:00:00Z asmith sanction "$l" --class criminal --kind fine --date 2026-08-28 --note "Fined at the magistrates' court"
at 2026-09-02T09:00:00Z asmith close "$l" --outcome sanction-applied --note "Convicted and fined"

# 13. Hazardous materials: a chemical store broken into
m=$(report 2026-07-20T08:00:00Z --category criminal-damage --summary "Chemical store padlock cut" \
  --occurred "2026-07-19 21:00" --reported "2026-07-20 07:30" --site "Whiston Lodge" --location "Estates yard" \
  --asset hazardous-materials --asset property --loss 35)

# 14. Verbal abuse at reception, reported late
n=$(report 2026-08-04T10:00:00Z --category non-physical-assault --summary "Relative swore at reception staff" \
  --occurred "2026-08-01 15:00" --reported "2026-08-04 09:30" --site "Peasley Cross" --location "Reception" \
  --person victim:staff --person alleged-offender:visitor)
at 2026-08-04T11:00:00Z jfowlis assign "$n" --to rpatel
at 2026-08-12T10:00:00Z rpatel sanction "$n" --class procedural --kind verbal-warning --date 2026-08-12
at 2026-08-13T10:00:00Z rpatel close "$n" --outcome sanction-applied --note "Verbal warning given by the ward manager"

# 15. A phone stolen from a patient
o=$(report 2026-08-18T09:00:00Z --category theft --summary "Patient's phone taken from a bedside locker" \
  --occurred "2026-08-17 14:00" --site "Hollins Park" --location "Ward 1" --asset property --reporter-party patient)
at 2026-08-18T10:00:00Z jfowlis assign "$o" --to asmith
at 2026-08-19T10:00:00Z asmith update "$o" --status investigating

# 16. Duplicate report of the car park damage
p=$(report 2026-04-07T09:30:00Z --category criminal-damage --summary "Car park office window broken" \
  --occurred "2026-04-06 23:15" --site "Hollins Park" --location "Car park office")
at 2026-04-07T10:00:00Z jfowlis close "$p" --outcome duplicate --note "Same incident as the earlier report"

# 17. A withdrawn harassment complaint
q=$(report 2026-09-08T13:00:00Z --category harassment --summary "Unwanted messages to a receptionist" \
  --occurred "2026-09-06 12:00" --site "Whiston Lodge" --reporter-party staff --person victim:staff)
at 2026-09-08T14:00:00Z jfowlis assign "$q" --to rpatel
at 2026-09-15T10:00:00Z rpatel close "$q" --outcome withdrawn --note "The member of staff withdrew the complaint"

# 18–30. The autumn's caseload, some still open
report 2026-09-22T08:00:00Z --category antisocial-behaviour --summary "Smoking and litter in the staff garden" \
  --occurred "2026-09-21 19:00" --site "Peasley Cross" >/dev/null
r=$(report 2026-10-05T09:00:00Z --category physical-assault --summary "Patient punched a healthcare assistant" \
  --occurred "2026-10-04 21:00" --site "Whiston Lodge" --location "Ward 7" --asset people \
  --person victim:staff --person alleged-offender:patient --harm low)
at 2026-10-05T10:00:00Z jfowlis assign "$r" --to jfowlis
report 2026-10-12T15:00:00Z --category security-concern --summary "@night the side gate is left unlocked" \
  --occurred "2026-10-11 23:00" --site "Hollins Park" --location "Side gate" >/dev/null
s=$(report 2026-10-19T11:00:00Z --category theft --summary "Fuel card misused" \
  --occurred "2026-10-10 12:00" --reported "2026-10-19 10:30" --site "Peasley Cross" --asset property --loss 310)
at 2026-10-19T12:00:00Z jfowlis assign "$s" --to asmith
at 2026-10-20T09:00:00Z asmith update "$s" --status awaiting-external
t=$(report 2026-10-26T09:30:00Z --category criminal-damage --summary "=cmd|' /C calc'!A0 scrawled on a ward whiteboard" \
  --occurred "2026-10-25 01:30:00+01:00" --site "Hollins Park" --location "Ward 3")
at 2026-10-26T10:00:00Z jfowlis assign "$t" --to rpatel
report 2026-11-02T09:00:00Z --category non-physical-assault --summary "Caller threatened staff on the switchboard" \
  --occurred "2026-11-01 20:00" --site "Whiston Lodge" --reporter-party staff --person victim:staff >/dev/null
u=$(report 2026-11-09T14:00:00Z --category lone-worker-alarm --summary "Alarm raised during a late home visit" \
  --occurred "2026-11-09 13:10" --site "Peasley Cross" --person victim:staff --harm none)
at 2026-11-09T15:00:00Z jfowlis assign "$u" --to asmith
report 2026-11-16T08:00:00Z --category theft --summary "Scrubs taken from the laundry trolley" \
  --occurred "2026-11-15 18:00" --site "Hollins Park" --asset property --loss 48 >/dev/null
v=$(report 2026-11-18T10:00:00Z --category physical-assault --summary "Visitor pushed a security officer" \
  --occurred "2026-11-18 09:10" --site "Hollins Park" --location "Main reception" \
  --person victim:contractor --person alleged-offender:visitor --harm low)
at 2026-11-18T11:00:00Z jfowlis assign "$v" --to jfowlis
at 2026-11-19T09:00:00Z jfowlis note "$v" "Body-worn video retained"
report 2026-11-20T16:00:00Z --category harassment --summary "Repeated calls to the ward from an ex-partner of a patient" \
  --occurred "2026-11-20 15:00" --site "Whiston Lodge" --person victim:patient >/dev/null
report 2026-11-23T09:00:00Z --category security-concern --summary "Idea: badge readers on the stairwell doors" \
  --occurred "2026-11-23 08:30" --site "Peasley Cross" >/dev/null
report 2026-11-24T15:10:00Z --category physical-assault --summary "Patient bit a nurse during a blood test" \
  --occurred "2026-11-24 14:30" --reported "2026-11-24 15:02" --site "Peasley Cross" --location "Phlebotomy" \
  --person victim:staff --person alleged-offender:patient --harm low >/dev/null

LSMS_NOW=2026-11-25T12:00:00Z "$lsms" -C "$store" check
