#!/usr/bin/env python3
"""hot-layout.py BUILD: the hot functions of both ports lie each within a page.

Under QEMU's TCG a direct jump is chained to its target only within a page:
a loop or a branch between two pages of one function goes through QEMU's
jump cache every time. So the functions a fork, a fault or a system call
runs many times, in the hypervisor and in both guest kernels, must not
straddle a 4 KiB boundary (hv/linker.ld page-aligns the hypervisor's
biggest; the kernels use __page_contained). Which ones are listed here; a
change that makes one straddle fails this check, not just the benchmark.
"""
import subprocess
import sys

HOT = {
    "hv.elf": ["trap_dispatch", "hc_multicall", "hc_mmuext_op", "hc_mmu_update",
               "hc_update_va_mapping", "baseptr_load", "bounce_frame", "put_page_type",
               "mm_update_l1e", "get_page_type", "l2e_get", "l3e_get", "mm_pin", "mm_unpin"],
    "dom0.elf": ["arch_mmu_flush", "arch_as_map", "arch_as_lookup", "arch_as_next",
                 "arch_as_destroy", "q_dmap", "batch_remap_writable"],
    "native.elf": ["arch_mmu_flush", "arch_as_map", "arch_as_lookup", "arch_as_next",
                   "arch_as_destroy"],
}
PAGE = 4096


def functions(elf):
    """name -> (address, size) of the ELF's functions."""
    out = subprocess.run(["nm", "-S", elf], capture_output=True, text=True, check=True).stdout
    funcs = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2] in "tTwW":
            funcs[fields[3]] = (int(fields[0], 16), int(fields[1], 16))
    return funcs


def main():
    build = sys.argv[1]
    bad = 0
    for elf, names in HOT.items():
        funcs = functions(f"{build}/{elf}")
        for name in names:
            if name not in funcs:
                print(f"hot-layout: {elf}: no function {name} (renamed or inlined? update the list)")
                bad += 1
                continue
            addr, size = funcs[name]
            if addr // PAGE != (addr + size - 1) // PAGE:
                print(f"hot-layout: {elf}: {name} ({size} bytes at {addr:#x}) straddles a page")
                bad += 1
    if bad:
        sys.exit(1)
    print(f"hot-layout: {sum(len(n) for n in HOT.values())} hot functions, each within a page")


main()
