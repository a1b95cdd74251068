#!/usr/bin/python3
"""Lets TorchSharp 0.107's native glue load on a system whose libstdc++ is older than GCC 13's (Debian 12 has GCC 12's).

libLibTorchSharp.so (NuGet package TorchSharp 0.107.0) was linked against GCC 13's libstdc++, so it requires the symbol
version GLIBCXX_3.4.32, and the dynamic loader refuses it on Debian 12 ("version `GLIBCXX_3.4.32' not found").
The only symbol of that version it names is std::ios_base_library_init(), which GCC 13's <iostream> references with a
bare `.globl` so that programs link against a new enough libstdc++: it has no relocation, so nothing ever resolves or
calls it (check: `readelf -rW libLibTorchSharp.so | grep ios_base_library_init` prints nothing). Every other symbol it
needs is GLIBCXX_3.4.30 or older, which Debian 12 has.

This script marks that one version requirement weak (VER_FLG_WEAK in its Elf64_Vernaux entry, two bytes): glibc's loader
then accepts the library when the version is missing. It changes nothing else, keeps a copy as FILE.orig, does nothing
when the file is already patched, when the system's libstdc++ has GLIBCXX_3.4.32, or when the file does not require it.

usage: weaken_glibcxx_requirement.py FILE...   (run.sh passes the NuGet cache's copy, which every build copies from)
"""

import ctypes.util
import os
import shutil
import struct
import sys

VERSION = b"GLIBCXX_3.4.32"
SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def system_has_version():
    path = ctypes.util.find_library("stdc++")
    for candidate in [path, "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"]:
        if candidate and os.path.exists(candidate):
            with open(candidate, "rb") as f:
                return VERSION + b"\0" in f.read()
    return False


def find_requirement(data):
    """Offset of the vna_flags field of the Vernaux entry naming VERSION, or None."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a little-endian 64-bit ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    for sh_name, sh_type, _, _, offset, _, link, info, _, _ in sections:
        if sh_type != SHT_GNU_VERNEED:
            continue
        strtab = sections[link][4]
        entry = offset
        for _ in range(info):  # sh_info = number of Verneed entries
            _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", data, entry)
            a = entry + aux
            for _ in range(cnt):
                _, flags, _, name, anext = struct.unpack_from("<IHHII", data, a)
                end = data.index(b"\0", strtab + name)
                if data[strtab + name:end] == VERSION:
                    return a + 4, flags
                a += anext
            entry += nxt
    return None


def patch(path):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    found = find_requirement(data)
    if found is None:
        print(f"{path}: does not require {VERSION.decode()}; left as is")
        return
    offset, flags = found
    if flags & VER_FLG_WEAK:
        print(f"{path}: {VERSION.decode()} already weak")
        return
    if not os.path.exists(path + ".orig"):
        shutil.copy2(path, path + ".orig")
    struct.pack_into("<H", data, offset, flags | VER_FLG_WEAK)
    with open(path, "wb") as f:
        f.write(data)
    print(f"{path}: marked the {VERSION.decode()} requirement weak (original kept as {os.path.basename(path)}.orig)")


def main():
    if system_has_version():
        print(f"the system libstdc++ has {VERSION.decode()}: nothing to do")
        return
    for path in sys.argv[1:]:
        patch(path)


if __name__ == "__main__":
    main()
