#!/bin/sh
# Installs the Debian packages the test suite needs, only when missing.
set -e
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium chromium-driver"
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-calc-nogui"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
[ -z "$need" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing Debian packages:$need"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
