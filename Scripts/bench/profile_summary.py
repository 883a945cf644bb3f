"""Summarises a `perf report --stdio --no-children --sort dso,symbol` listing of one benchmark case:
the share of samples in matrix products, OpenBLAS's or our own (`ldm_gemm`, used where OpenBLAS's
kernel lacks AVX-512), kernel and packing apart, and the largest other symbols.

    python3 Scripts/bench/profile_summary.py CASE REPORT.txt   → one Markdown table row block
"""
import re
import subprocess
import sys

# OpenBLAS: the micro-kernels, and the copies that pack A and B into panels before them.
PACKING = re.compile(r"(itcopy|incopy|oncopy|otcopy|_copy_|tcopy|ncopy)")
# Sources/CConvolution/packed_gemm.c's functions (multiply_block is inlined everywhere else).
OWN_KERNEL = {"ldm_gemm", "multiply_block", "write_tile"}
OWN_PACKING = {"pack_rows", "pack_panel"}


def parse(path):
    """(share %, library, symbol) for every line of the report that carries a percentage."""
    rows = []
    for line in open(path, encoding="utf-8", errors="replace"):
        match = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[[.k]\]\s+(\S+)", line)
        if match:
            rows.append((float(match.group(1)), match.group(2), match.group(3)))
    return rows


def readable(symbols):
    """Swift symbols demangled to their function names (`swift demangle`), others as they are."""
    mangled = [s for s in symbols if s.startswith("$s")]
    if not mangled:
        return {}
    output = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(mangled),
                            capture_output=True, text=True).stdout.splitlines()
    return {m: re.sub(r"\(.*", "", d).replace("closure #1 in ", "closure in ") for m, d in zip(mangled, output)}


def main():
    case, path = sys.argv[1], sys.argv[2]
    rows = parse(path)
    blas = [r for r in rows if "openblas" in r[1]]
    own_kernel = sum(r[0] for r in rows if r[2] in OWN_KERNEL)
    own_packing = sum(r[0] for r in rows if r[2] in OWN_PACKING)
    packing = sum(r[0] for r in blas if PACKING.search(r[2])) + own_packing
    kernel = sum(r[0] for r in blas) + own_kernel + own_packing - packing
    others = sorted((r for r in rows if "openblas" not in r[1] and r[2] not in OWN_KERNEL | OWN_PACKING),
                    reverse=True)[:6]
    names = readable([symbol for _, _, symbol in others])
    rest = ", ".join(f"`{names.get(symbol, symbol)}` {share:.1f} %" for share, _, symbol in others)
    print(f"| {case} | {kernel:.0f} % | {packing:.0f} % | {100 - kernel - packing:.0f} % | {rest} |")


if __name__ == "__main__":
    main()
