#!/usr/bin/env bash
# The long end-to-end suites (JUnit tag "long": minutes of chaos each, about 20 minutes in all on a
# 2-core machine), kept out of ./scripts/test.sh so that it stays within CI's budget:
#   BankSinkKillIT (bank with the sink killed -9 every 20 s for 3 minutes), DownstreamOutageIT,
#   OltpDdlReplicationIT, PartitionedReplicationIT, OrderingKillIT, OrderingLargeTransactionIT.
# Installs and starts what test.sh does; unit tests and the other ITs are not run.
#
#   ./scripts/long-tests.sh [extra mvn arguments, e.g. -pl mysql-sink -am]
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/test.sh" -Dgroups=long -Dit.excludedGroups=none "$@"
