#!/usr/bin/env bash
# System packages the test suite needs beyond the Python venv, installed only when missing:
#   - Debian's chromium, for the real-browser test (Playwright drives /usr/bin/chromium)
#   - Node.js + npm and the pinned Neo4j Cypher front end, for linting queries/*.cypher
#   - docker-compose (Debian), to validate docker-compose.yml without a Docker engine
#   - a Java 17 JDK and Maven, which fetch and run the real Neo4j 5 server the Neo4j tests use
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing system packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ -f tests/cypher_lint/package.json ] && [ ! -d tests/cypher_lint/node_modules ]; then
  echo "installing the Cypher linter (npm ci)"
  npm ci --prefix tests/cypher_lint --no-audit --no-fund --loglevel=error
fi
