#!/usr/bin/env python3
"""Writes the input FASTA files of 504.dna-visualisation, deterministically (seeded), standard library only.

SeBS uses the Bacillus subtilis QB92 genome (NCBI CP003783), which is not shipped here. This script makes
synthetic sequences of the same shape instead: one record per file, 80 bases per line, a GC content near
the organism's (about 43.5 %), and a few ambiguous bases (N) so the flat segments of the walk are exercised.

  generate_fasta.py OUTPUT_ROOT     writes OUTPUT_ROOT/500.scientific/504.dna-visualisation/sequence-{test,small,large}.fasta

OUTPUT_ROOT is then the -DataPath of Invoke-SebsBenchmark. Existing files with the right content are kept.
"""
import hashlib
import os
import random
import sys

SEED = 504
LINE = 80
# Bases per size: test is quick, large is the size of the B. subtilis genome SeBS uses.
SIZES = {"test": 20_000, "small": 500_000, "large": 4_215_606}
GC = 0.435
AMBIGUOUS_EVERY = 10_007  # one N per this many bases


def sequence(length, rng):
    weights = [(1 - GC) / 2, GC / 2, GC / 2, (1 - GC) / 2]
    bases = rng.choices("AGCT", weights=weights, k=length)
    for i in range(AMBIGUOUS_EVERY - 1, length, AMBIGUOUS_EVERY):
        bases[i] = "N"
    return "".join(bases)


def fasta(name, size, rng):
    seq = sequence(SIZES[size], rng)
    lines = [">synthetic|sebs-504-%s seeded synthetic sequence (seed %d, %d bp)" % (size, SEED, len(seq))]
    lines += [seq[i:i + LINE] for i in range(0, len(seq), LINE)]
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    target = os.path.join(argv[1], "500.scientific", "504.dna-visualisation")
    os.makedirs(target, exist_ok=True)
    for size in SIZES:
        # One generator per size, so each file is the same whatever the others are.
        rng = random.Random("%d-%s" % (SEED, size))
        text = fasta("sequence-%s" % size, size, rng).encode("ascii")
        path = os.path.join(target, "sequence-%s.fasta" % size)
        if os.path.exists(path) and open(path, "rb").read() == text:
            continue
        with open(path + ".tmp", "wb") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
        print("%s  %s" % (hashlib.md5(text).hexdigest(), path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
