# Hostile numbers in a metrics file: NaN (not JSON) fails the run clearly and
# records it as failed; 1e400 (beyond double) likewise; huge, tiny and
# negative finite values are kept exactly and gate correctly.
source "$(dirname "$0")/lib.sh"
git init -q
mlci init >/dev/null 2>&1
metrics() { printf '#!/bin/sh\necho '"'"'%s'"'"' > metrics.json\n' "$1" >t.sh && chmod +x t.sh; }

metrics '{"loss": NaN, "accuracy": 0.9}'
expect_exit 1 mlci train --metrics metrics.json -n nan -- ./t.sh
expect_in err "malformed metrics file"
expect_exit 0 mlci --json log nan
expect_in out '"status": "failed"'

metrics '{"huge": 1e400}'
expect_exit 1 mlci train --metrics metrics.json -n overflow -- ./t.sh
expect_in err "metrics"

metrics '{"big": 1e308, "neg": -5, "tiny": -1e-300, "nested": {"x": -0.0}}'
expect_exit 0 mlci train --metrics metrics.json -n edge -- ./t.sh
expect_in err "big 1e+308, neg -5"
expect_exit 0 mlci validate edge:v1 --require 'neg < 0' --require 'big > 1e307' --require 'tiny < 0'
expect_exit 1 mlci validate edge:v1 --require 'neg > 0'
pass
