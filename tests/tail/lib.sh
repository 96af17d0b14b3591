# Shared helpers of the tail tests (sourced after tests/ingest/lib.sh).

# header HOST CHANNEL: the file-level lines of a description.
header() { printf 'computer %s\nchannel %s\nfirst-record 1\n' "$1" "$2"; }

# nps_desc USER TIME [N]: event lines of N (default 1) NPS 6273 denials
# (reason 258) of USER, one a second from TIME (ISO, UTC).
nps_desc() {
	cat <<DESC
event Microsoft-Windows-Security-Auditing 6273
  guid {54849625-5478-4994-A5BA-3E3B0328C30D}
  time $2
  version 1
  keywords 0x8010000000000000
  data SubjectUserSid:sid = S-1-0-0
  data SubjectUserName = $1@lab.example
  data SubjectDomainName = LAB
  data FullyQualifiedSubjectUserName = LAB\\\\$1
  data CallingStationID = 203.0.113.77
  data NASIdentifier = VPN01
  data ClientName = VPN01
  data NetworkPolicyName = AOVPN User Tunnel
  data AuthenticationType = EAP
  data EAPType = Microsoft: Smart Card or other certificate
  data ReasonCode = 258
  data Reason = The revocation function was unable to check revocation for the certificate.
  repeat ${3:-1} every 1s
DESC
}

# denials FIRST-RECORD USER TIME N: a Security description of N NPS
# denials of USER (nps_desc) whose record ids start at FIRST-RECORD.
denials() {
	printf 'computer NPS01.lab.example\nchannel Security\nfirst-record %s\n' "$1"
	nps_desc "$2" "$3" "$4"
}

# client_desc USER TIME CODE: event lines of one RasClient 20227 of USER
# (its CoId made from TIME).
client_desc() {
	cat <<DESC
event RasClient 20227
  time $2
  qualifiers 0
  level 2
  data = {7A1C2E44-93B1-4D2F-8F0B-$(echo "$2" | tr -cd 0-9 | tail -c 12)}
  data = LAB\\\\$1
  data = Always On VPN
  data = $3
DESC
}

# noise_desc TIME N: event lines of N logons (4624), which tail must skip.
noise_desc() {
	cat <<DESC
event Microsoft-Windows-Security-Auditing 4624
  guid {54849625-5478-4994-A5BA-3E3B0328C30D}
  time $1
  version 2
  data TargetUserName = SYSTEM
  repeat $2 every 1s
DESC
}

# wait_for FILE TEXT SECONDS: waits until FILE contains TEXT. Returns 1 on timeout.
wait_for() {
	i=0
	while ! grep -qF -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -gt $(($3 * 20)) ] && return 1
		sleep 0.05
	done
	return 0
}

# now_ms: milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
