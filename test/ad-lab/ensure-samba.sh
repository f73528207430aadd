#!/usr/bin/env bash
# Makes sure the tools of the AD lab (a Samba AD DC on loopback) are installed: samba (with the AD DC parts),
# samba-tool, the OpenLDAP clients, the MIT Kerberos clients and openssl. Installs them with apt-get when they
# are missing and we are root; otherwise fails with a clear message. Idempotent and quiet when all is there.
set -euo pipefail

PACKAGES=(samba samba-ad-dc krb5-user ldap-utils winbind openssl)

missing() {
  local tool
  for tool in samba samba-tool ldapadd kinit kvno openssl; do
    if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ] && [ ! -x "/usr/bin/$tool" ]; then
      echo "$tool"
    fi
  done
  # samba-tool domain provision needs the AD DC bits (samba-ad-dc / python3-samba / samba-dsdb-modules).
  if ! /usr/bin/python3 -c 'import samba.provision' >/dev/null 2>&1; then echo 'python3-samba (samba.provision)'; fi
}

need=$(missing)
if [ -z "$need" ]; then
  exit 0
fi

echo "ad-lab: missing: $(echo "$need" | tr '\n' ' ')" >&2
if [ "$(id -u)" != "0" ]; then
  cat >&2 <<EOF
ad-lab: the AD lab tests (jest project "dc") need a Samba AD DC and the Kerberos/LDAP clients, and this user is
not root, so they cannot be installed automatically. Install them once with:
  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${PACKAGES[*]}
or run only the unit tests: npm run test:unit
EOF
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ad-lab: apt-get not found: install ${PACKAGES[*]} with this system's package manager." >&2
  exit 1
fi

echo "ad-lab: installing ${PACKAGES[*]} (apt-get) ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq "${PACKAGES[@]}" >&2

need=$(missing)
if [ -n "$need" ]; then
  echo "ad-lab: still missing after apt-get install: $(echo "$need" | tr '\n' ' ')" >&2
  exit 1
fi
echo "ad-lab: samba $(/usr/sbin/samba -V 2>/dev/null || samba -V) installed." >&2
