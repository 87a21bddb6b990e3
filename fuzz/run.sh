#!/bin/sh
# Builds the fuzz targets with libFuzzer's coverage instrumentation on the stable toolchain
# (the coverage flags cargo-fuzz passes, without its nightly-only sanitizer) and runs one.
# Usage: fuzz/run.sh TARGET [SECONDS]   (TARGET: parse | check | format; default 180 s)
# Crashes land in fuzz/artifacts/TARGET/; copy minimal ones to fuzz/regressions/.
set -eu
target=${1:?usage: fuzz/run.sh parse|check|format [seconds]}
seconds=${2:-180}
here=$(cd "$(dirname "$0")" && pwd)
triple=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$here/target}
[ -n "${FUZZ_NO_BUILD:-}" ] || RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks" \
  cargo build --manifest-path "$here/Cargo.toml" --release --bins --target "$triple"
corpus="$here/corpus/$target"
mkdir -p "$corpus" "$here/artifacts/$target"
# Seeds: every example, a slice of each stdlib file, and the regression reproducers.
find "$here/../examples" "$here/regressions" -name '*.charter' -exec cp {} "$corpus/" \;
for file in "$here"/../stdlib/*.charter; do
  head -c 4000 "$file" > "$corpus/stdlib-$(basename "$file")"
done
exec "$CARGO_TARGET_DIR/$triple/release/$target" "$corpus" \
  -dict="$here/charter.dict" -max_len=4096 -timeout=10 -max_total_time="$seconds" \
  -artifact_prefix="$here/artifacts/$target/" -print_final_stats=1
