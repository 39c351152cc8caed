#!/usr/bin/env bash
# Every fancy command as a user types it, on the examples' workflows and real data
# (docs/cli.md is the reference, docs/sweeps.md the tutorial). Run from anywhere after
#   mvn -B -ntp -q -DskipTests -pl cli,examples -am package
# Everything it writes stays under examples/target/cli/. CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

fancy=cli/target/fancy
# The examples' steps and workflows, and the jars they need (Tribuo) beyond the CLI's own.
export FANCY_CLASS_PATH="examples/target/classes:examples/target/lib/*"
work=examples/target/cli
rm -rf "$work"
mkdir -p "$work"

# Runs a command that must exit with the given code (1: a run failed).
expect_exit() {
  local want=$1
  shift
  set +e
  "$@"
  local got=$?
  set -e
  if [ "$got" -ne "$want" ]; then
    echo "expected exit code $want, got $got: $*" >&2
    exit 1
  fi
}

echo "== what is there"
$fancy --version
$fancy steps
$fancy steps --json > "$work/steps.json"
grep -o '"slug":"penguins[.][a-z_]*"' "$work/steps.json"
$fancy graph penguins.train --format mermaid
$fancy graph penguins.train --format dot > "$work/penguins.dot"

echo "== configs"
$fancy config show examples/penguins/sweep.yaml --limit 5
$fancy config validate examples/penguins/sweep.yaml penguins.train
$fancy validate penguins.train --config examples/penguins/base.yaml
expect_exit 3 $fancy validate penguins.train --config examples/penguins/base.yaml \
  --set epochs=ten

echo "== one run (by name, then from a workflow JSON file, then as JSON), then a multirun"
$fancy run penguins.train --config examples/penguins/base.yaml --set model=hinge \
  --output-dir "$work/runs"
$fancy run examples/penguins/train.json --config examples/penguins/base.yaml --no-output-dir
$fancy run penguins.train --config examples/penguins/base.yaml --json --no-output-dir
$fancy run penguins.train --config examples/penguins/base.yaml --output-dir "$work/runs" \
  --multirun model=logistic,hinge learningRate=0.1,1.0 'epochs=range(5,25,10)'

echo "== a multi-stage pipeline"
$fancy workflow sequential penguins.preprocess penguins.fit penguins.evaluate \
  penguins.report --config examples/penguins/pipeline.yaml
cat "$work/report.md"
# A failed stage stops the pipeline unless --keep-going (model 'forest' is not one the step knows).
expect_exit 1 $fancy workflow sequential penguins.train penguins.preprocess \
  --config examples/penguins/pipeline.yaml --set model=forest --keep-going

echo "== the sweep: 24 configs, 2 workers, each config in a child JVM"
$fancy workflow parallel penguins.train --config examples/penguins/sweep.yaml \
  --workers 2 --isolate process --timeout 2m --rank-by accuracy --out "$work/penguins.csv"

echo "== on the durable journal: sweep, resume (nothing runs again), read the runs"
journal="$work/journal.db"
$fancy workflow parallel penguins.train --config examples/penguins/sweep.yaml --workers 2 \
  --isolate thread --journal "$journal" --out "$work/penguins.jsonl"
$fancy workflow parallel penguins.train --config examples/penguins/sweep.yaml --workers 2 \
  --journal "$journal" --resume
expect_exit 1 $fancy run penguins.train --config examples/penguins/base.yaml \
  --set model=forest --journal "$journal" --no-output-dir
$fancy runs list --journal "$journal" --limit 5
failed=$($fancy runs list --journal "$journal" --status FAILED | awk 'NR == 2 { print $1 }')
$fancy runs show "$failed" --journal "$journal"
expect_exit 1 $fancy runs resume "$failed" --journal "$journal"
expect_exit 1 $fancy runs cancel "$failed" --journal "$journal"

echo "== checkpoint resume: kill a long training step, resume it from its last checkpoint"
# penguins.train_resumable trains for 60 epochs in one step that checkpoints every epoch
# (parameters and the random generator's state). Kill it with SIGKILL once the journal shows
# 10 checkpoints, resume it, and check that it ends bit-identical to an uninterrupted run.
resumable="$work/resumable.db"
$fancy run penguins.train_resumable --config examples/penguins/resumable.yaml \
  --journal "$resumable" --lease 3s --no-output-dir > "$work/killed.txt" 2>&1 &
training=$!
deadline=$((SECONDS + 180))
checkpoints=0
run=""
while [ "$checkpoints" -lt 10 ]; do
  if [ "$SECONDS" -gt "$deadline" ] || ! kill -0 "$training" 2>/dev/null; then
    echo "training ended or took too long before 10 checkpoints" >&2
    cat "$work/killed.txt" >&2
    exit 1
  fi
  if [ -z "$run" ]; then
    run=$( ($fancy runs list --journal "$resumable" 2>/dev/null || true) \
      | awk 'NR == 2 && $1 ~ /-/ { print $1 }')
  fi
  if [ -n "$run" ]; then
    checkpoints=$( ($fancy runs show "$run" --journal "$resumable" 2>/dev/null || true) \
      | awk '$1 == "penguins.train_epochs" && $NF ~ /^checkpoints?$/ { print $(NF - 1) }')
    checkpoints=${checkpoints:-0}
  fi
done
kill -9 "$training"
expect_exit 137 wait "$training"
$fancy runs show "$run" --journal "$resumable"
$fancy run penguins.train_resumable --config examples/penguins/resumable.yaml \
  --journal "$resumable" --lease 3s --no-output-dir --resume | tee "$work/resumed.txt"
$fancy run penguins.train_resumable --config examples/penguins/resumable.yaml \
  --set pauseMillis=0 --no-output-dir | tee "$work/uninterrupted.txt"
resumed_hash=$(grep parametersSha256 "$work/resumed.txt")
if [ "$resumed_hash" != "$(grep parametersSha256 "$work/uninterrupted.txt")" ]; then
  echo "the resumed run's parameters differ from the uninterrupted run's" >&2
  exit 1
fi
if grep -q 'resumedAfterEpoch = 0$' "$work/resumed.txt"; then
  echo "the resumed run started from epoch 0" >&2
  exit 1
fi
echo "resumed from its last checkpoint; parameters bit-identical: $resumed_hash"
