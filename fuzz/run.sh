#!/usr/bin/env bash
# Runs one bounded afl-fuzz campaign against one Lamina.Fuzz target:
#   fuzz/run.sh TARGET SECONDS          (targets: dotnet fuzz/Lamina.Fuzz/... list, or see fuzz/README.md)
# Publishes the harness, instruments the Lamina assemblies under test with SharpFuzz, runs afl-fuzz under
# nice -n 19 for SECONDS (-V), then prints the campaign's figures. Work and findings go to
# ${LAMINA_FUZZ_WORK:-/var/tmp/lamina-fuzz}/TARGET (findings in out/default/crashes and hangs).
# One campaign at a time: the machine is shared.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:?usage: fuzz/run.sh TARGET SECONDS}"
seconds="${2:?usage: fuzz/run.sh TARGET SECONDS}"
work="${LAMINA_FUZZ_WORK:-/var/tmp/lamina-fuzz}/$target"
corpus="$root/fuzz/corpus/$target"
[ -d "$corpus" ] || { echo "no seed corpus $corpus: unknown target '$target'" >&2; exit 2; }

if ! command -v afl-fuzz >/dev/null; then
  echo "afl-fuzz missing: installing Debian's afl++" >&2
  apt-get install -y afl++ >/dev/null
fi
tools="$root/artifacts/fuzz-tools"
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

# LAMINA_FUZZ_BIN=DIR reuses a harness published and instrumented by an earlier run (campaigns in a row).
bin="${LAMINA_FUZZ_BIN:-$work/bin}"
# Scratch in memory when there is some: the tar target creates and removes a directory tree per input.
scratch="$work/tmp"
[ -d /dev/shm ] && [ -w /dev/shm ] && scratch="/dev/shm/lamina-fuzz-$target"
rm -rf "$work/out" "$scratch"
mkdir -p "$work" "$scratch"
if [ -z "${LAMINA_FUZZ_BIN:-}" ] || [ ! -f "$bin/.instrumented" ]; then
rm -rf "$bin"
dotnet publish "$root/fuzz/Lamina.Fuzz/Lamina.Fuzz.csproj" -c Release -o "$bin" --nologo -v quiet
# Only Lamina's own assemblies are instrumented: the runtime and packages are not under test, and their
# coverage would drown the parsers' paths in afl's map.
for dll in lamina-init.dll Lamina.Aws.dll Lamina.Build.dll Lamina.Images.dll Lamina.Oci.dll; do
  "$tools/sharpfuzz" "$bin/$dll" >/dev/null
done
touch "$bin/.instrumented"
fi

extra=()
[ -f "$root/fuzz/dict/$target.dict" ] && extra=(-x "$root/fuzz/dict/$target.dict")
# selftest's seeds are one bit away from its crash and hang: afl++'s havoc stacks two or more edits, so only
# the deterministic bit flips (-D, off by default since afl++ 4) are sure to reach them within seconds; and
# trimming would cut the seeds down (their bytes change no coverage) to where no bit flip reaches them.
selftest=()
[ "$target" = selftest ] && { extra+=(-D); selftest=(AFL_DISABLE_TRIM=1); }
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# TMPDIR: the tar target unpacks each input into a fresh directory there.
env "${selftest[@]}" TMPDIR="$scratch" AFL_TMPDIR="$scratch" AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 \
AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_AUTORESUME=0 \
  nice -n 19 afl-fuzz -i "$corpus" -o "$work/out" -t 5000 -m none -V "$seconds" "${extra[@]}" \
  -- dotnet "$bin/Lamina.Fuzz.dll" "$target" > "$work/afl.log" 2>&1 || { tail -40 "$work/afl.log" >&2; exit 1; }
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

stats="$work/out/default/fuzzer_stats"
get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
echo "target=$target seconds=$(get run_time) execs=$(get execs_done) execs_per_sec=$(get execs_per_sec)" \
  "corpus=$(get corpus_count) edges=$(get edges_found) crashes=$(get saved_crashes) hangs=$(get saved_hangs)"
rm -rf "$scratch"
# Replayed with an uninstrumented build: instrumented assemblies only run under afl-fuzz (they abort without its
# shared memory). A hang is replayed with a bound, as afl-fuzz ran it.
findings=("$work/out/default/crashes"/id* "$work/out/default/hangs"/id*)
if [ -e "${findings[0]}" ] || [ -e "${findings[-1]}" ]; then
  dotnet build "$root/fuzz/Lamina.Fuzz/Lamina.Fuzz.csproj" -c Release --nologo -v quiet -o "$work/replay" >/dev/null
  for f in "${findings[@]}"; do
    [ -e "$f" ] || continue
    echo "finding: $f"
    timeout 20 dotnet "$work/replay/Lamina.Fuzz.dll" "$target" "$f" 2>/dev/null | tail -1 || echo "  (exit $?)"
  done
fi
