# shellcheck shell=bash
# debian_mirror: prints the URI of this machine's own Debian archive, read from its apt sources
# (deb822 files in /etc/apt/sources.list.d/*.sources, then one-line `deb URI SUITE ...` entries),
# so a user's mirror or proxy is honoured and no mirror host is written into the project.
# DEVENV_DEBIAN_MIRROR overrides it. Fails when no Debian source is configured.
debian_mirror() {
  if [ -n "${DEVENV_DEBIAN_MIRROR:-}" ]; then echo "$DEVENV_DEBIAN_MIRROR"; return 0; fi
  local uri
  # deb822: the URIs of a stanza whose Suites name a Debian release (not -security, not a
  # third-party suite) and whose Signed-By is Debian's own keyring, or which names no keyring.
  uri="$(awk '
    function flush() {
      if (uris != "" && suites ~ /(^| )(bookworm|trixie|forky|sid|stable|testing|unstable)( |$)/ &&
          (signed == "" || signed ~ /debian-archive-keyring/)) { split(uris, u, " "); print u[1]; found = 1; exit }
      uris = ""; suites = ""; signed = ""
    }
    /^[[:space:]]*$/ { flush(); next }
    /^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); uris = $0 }
    /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
    /^Signed-By:/ { sub(/^Signed-By:[[:space:]]*/, ""); signed = $0 }
    END { if (!found) flush() }
  ' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)"
  if [ -z "$uri" ]; then
    uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
             if ($(i+1) ~ /^(bookworm|trixie|forky|sid|stable|testing|unstable)$/) { print $i; exit } }')"
  fi
  if [ -z "$uri" ]; then
    echo "no Debian archive in this machine's apt sources; set DEVENV_DEBIAN_MIRROR" >&2
    return 1
  fi
  echo "${uri%/}"
}
