#!/usr/bin/env python3
"""Time to first token of the command line: the wall time from starting `bin/llama3 generate` to the first byte of
generated text on its standard output (generate echoes the prompt first), plus when the engine logged that its
kernels were chosen and that the model was loaded. One line per run.

    python3 tools/ttft.py MODEL.gguf [RUNS] [PROMPT]

The issue's measurement: a 1B-shaped Q8_0 file and the default prompt, "The quick brown" (16 tokens with BOS in the
synthetic files' one-character-per-token vocabulary). Extra JVM options go in LLAMA3_JAVA_OPTS as for bin/llama3.
"""
import os
import select
import subprocess
import sys
import time


def measure(llama3, model, prompt):
    start = time.monotonic()
    proc = subprocess.Popen([llama3, "generate", "--model", model, "--prompt", prompt, "-n", "4", "-t", "2",
                             "--temperature", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    marks = {}
    streams = {proc.stdout.fileno(): "out", proc.stderr.fileno(): "err"}
    seen = {"out": b"", "err": b""}
    while streams:
        ready, _, _ = select.select(list(streams), [], [])
        for fd in ready:
            data = os.read(fd, 65536)
            if not data:
                del streams[fd]
                continue
            name = streams[fd]
            seen[name] += data
            now = time.monotonic() - start
            if name == "err" and "kernels" not in marks and b"Tensor kernels" in seen["err"]:
                marks["kernels"] = now
            if name == "err" and "loaded" not in marks and b"Loaded" in seen["err"]:
                marks["loaded"] = now
            if name == "out" and "first token" not in marks and len(seen["out"]) > len(prompt.encode()):
                marks["first token"] = now
    if proc.wait() != 0:
        sys.exit("bin/llama3 failed:\n" + seen["err"].decode(errors="replace"))
    return marks


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    model = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    prompt = sys.argv[3] if len(sys.argv) > 3 else "The quick brown"
    llama3 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bin", "llama3")
    for run in range(1, runs + 1):
        marks = measure(llama3, model, prompt)
        print(f"run {run}: " + ", ".join(f"{k} {v:.2f} s" for k, v in marks.items()))


if __name__ == "__main__":
    main()
