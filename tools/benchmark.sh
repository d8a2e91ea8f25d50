#!/usr/bin/env bash
# The SDK benchmark: N generations back to back, printing pipeline wall time, the sum of raw ONNX Runtime run times,
# their ratio, time to the first step event, steps/s and RSS before/after.
#
#   tools/benchmark.sh                      # the built-in scenarios: benchmark-size UNet, benchmark-size DiT (FLUX.1-dev
#                                           # shaped), tiny UNet at 512 and at 64 px
#   tools/benchmark.sh --model DIR --runs 20 --steps 10 [--width 512 --height 512] [--threads N] [--scheduler NAME]
#
# The JVM runs with a fixed, pre-touched heap so that RSS growth measures native memory (ONNX Runtime tensors,
# sessions, direct buffers), not the Java heap expanding.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -ntp install -DskipTests -pl sdk,samples/cli -am
cp_file=samples/cli/target/classpath.txt
./mvnw -q -B -ntp -f samples/cli dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
cp="samples/cli/target/classes:$(cat "$cp_file")"
# ONNX Runtime 1.29's telemetry start-up can crash the JVM (SIGSEGV in OrtEnvironment.createHandle, no hs_err file):
# seen on this shared host while the same JVM under Maven ran fine; the README's container notes say the same
export ORT_DISABLE_TELEMETRY=1
java_opts=(-Xms512m -Xmx512m -XX:+AlwaysPreTouch -Djava.util.logging.manager=org.jboss.logmanager.LogManager)

run() {
  java "${java_opts[@]}" -cp "$cp" io.github.diffusion4j.samples.cli.DiffusionCli benchmark "$@"
}

if [ "$#" -gt 0 ]; then
  run "$@"
else
  echo "== benchmark-size UNet (tools/models/bench, 512x512, CFG batch 2)"
  run --model tools/models/bench --runs 10 --warmup 2 --steps 10 --threads 2
  echo
  echo "== benchmark-size DiT (tools/models/flux-bench: FLUX.1-dev shaped, 512x512 = 1024 packed image + 512 T5 tokens,"
  echo "   embedded guidance, one transformer row per step)"
  run --model tools/models/flux-bench --runs 10 --warmup 2 --steps 10 --threads 2 --width 512 --height 512 --cfg 3.5
  echo
  echo "== tiny UNet at 512x512 (tools/models/optimum-new, ~4 ms per UNet call)"
  run --model tools/models/optimum-new --runs 100 --warmup 20 --steps 10 --threads 1 --width 512 --height 512
  echo
  echo "== tiny UNet at 64x64 (tools/models/optimum-new, ~40 us per UNet call), 500 generations"
  run --model tools/models/optimum-new --runs 500 --warmup 50 --steps 10 --threads 1
fi
