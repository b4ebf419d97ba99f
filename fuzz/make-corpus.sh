#!/bin/bash
# Regenerate the seed corpora in fuzz/corpus/ (docs/fuzzing.md). Needs gcc,
# g++, clang, aarch64-linux-gnu-gcc/g++, zlib1g-dev (both arches), python3.
# Keeps regress-* (crash reproducers) and cov-* (inputs a fuzz run found, kept
# by -merge=1 for their coverage).
# Usage: fuzz/make-corpus.sh [ROWS_TOOL_BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
c=$here/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

cat > a.c <<'EOF'
#include <stdio.h>
extern int ext_var; extern void ext_fn(int);
static int counter; int data_arr[4] = {1,2,3,4}; const char *msg = "hello";
__attribute__((weak)) void weak_fn(void);
int add(int a, int b) { counter++; return a + b + ext_var; }
void caller(void) { ext_fn(add(1,2)); if (weak_fn) weak_fn(); printf("%s %d\n", msg, data_arr[counter & 3]); }
int main(void) { caller(); return counter; }
EOF
cat > b.c <<'EOF'
extern int printf(const char *, ...);
extern void *memcpy(void *, const void *, unsigned long);
struct S { int a; long b; } g_s = { 1, 2 };
static __thread int tls_var;
int big[100] = {1};
static const char tbl[] = "abcdefgh";
typedef int (*fp)(int);
static int sq(int x) { return x * x; }
fp ptrs[] = { sq, 0 };
int use(int i) { char buf[8]; memcpy(buf, tbl, 8); return ptrs[0](i) + buf[i & 7] + big[i % 100] + g_s.a; }
int use_tls(void) { return ++tls_var; }
void loop(int n) { for (int i = 0; i < n; i++) printf("%d\n", use(i)); }
EOF
cat > c.cc <<'EOF'
#include <vector>
template <typename T> struct Box { T v; T get() const { return v; } virtual ~Box() {} };
inline int shared_inline(int x) { static int count; return x + ++count; }
int cpp_entry(int n) { std::vector<int> v; for (int i = 0; i < n; i++) v.push_back(shared_inline(i)); Box<int> b; b.v = n; try { if (n < 0) throw n; } catch (int e) { return e; } return b.get() + (int)v.size(); }
EOF
cat > d.S <<'EOF'
	.text
	.globl asm_fn
asm_fn:
	call ext_far
	jmp ext_far2
	jz ext_far3
	movq ext_data@GOTPCREL(%rip), %rax
	leaq local_data(%rip), %rcx
	movabsq $ext_data, %rdx
	.byte 0xe8
	.long ext_far - . - 4
	ret
	.data
local_data:
	.quad asm_fn
	.long ext_data
	.word 0
	.byte 0
	.quad ext_data - .
	.quad ext_data@GOTOFF
EOF
cat > tiny.c <<'EOF'
#include <stdio.h>
int exported_var = 3; static int local_fn(int x){return x+1;}
__attribute__((visibility("default"))) int api_fn(int x){ return local_fn(x) * exported_var; }
int main(int c, char **v){ (void)v; printf("%d\n", api_fn(c)); return 0; }
EOF

mkdir -p x a
gcc -O2 -c -ffunction-sections -fdata-sections a.c -o x/x86_a_sections.o
gcc -O1 -fPIC -c a.c -o x/x86_a_pic.o
gcc -O1 -mcmodel=large -c a.c -o x/x86_a_large.o
gcc -O2 -mcmodel=kernel -fno-pic -c a.c -o x/x86_a_kernel.o
clang -O2 -c -ffunction-sections a.c -o x/x86_a_clang.o
gcc -O2 -fPIE -c b.c -o x/x86_b_pie.o
gcc -O0 -c b.c -o x/x86_b_O0.o
g++ -O1 -c c.cc -o x/x86_c_cpp.o
gcc -c d.S -o x/x86_d_asm.o
aarch64-linux-gnu-gcc -O2 -c -ffunction-sections -fdata-sections a.c -o a/a64_a_sections.o
aarch64-linux-gnu-gcc -O1 -fPIC -c a.c -o a/a64_a_pic.o
aarch64-linux-gnu-gcc -O0 -mcmodel=tiny -c a.c -o a/a64_a_tiny.o
aarch64-linux-gnu-gcc -O1 -fno-pic -mcmodel=large -c a.c -o a/a64_a_large.o
aarch64-linux-gnu-gcc -O2 -c b.c -o a/a64_b.o
aarch64-linux-gnu-gcc -O2 -mbranch-protection=standard -c b.c -o a/a64_b_bti.o
aarch64-linux-gnu-g++ -O1 -c c.cc -o a/a64_c_cpp.o
for m in adler32 crc32 compress; do
  (cd x && ar x /usr/lib/x86_64-linux-gnu/libz.a $m.o && mv $m.o debian_libz_$m.o)
  (cd a && ar x /usr/lib/aarch64-linux-gnu/libz.a $m.o && mv $m.o debian_libz_$m.o)
done
xen=$root/../shared/xen
for f in "$xen"/x86_64/*.livepatch; do cp "$f" x/$(basename "$f"); done
for f in "$xen"/arm64/*.livepatch; do cp "$f" a/$(basename "$f"); done

mkdir -p "$c/object" "$c/link_x86_64" "$c/link_aarch64" "$c/howto" "$c/cli_symbols"
find "$c" -type f ! -name 'regress-*' ! -name 'cov-*' -delete
cp x/* "$c/object/"
cp a/* "$c/object/"
cp x/* "$c/link_x86_64/"
cp a/* "$c/link_aarch64/"

python3 - "$c" x a <<'EOF'
import os, struct, sys
c, xd, ad = sys.argv[1], sys.argv[2], sys.argv[3]
def w(sub, name, data):
    open(os.path.join(c, sub, name), 'wb').write(data)
# Edge cases for the parser, from one real object.
base = open(os.path.join(xd, 'x86_a_sections.o'), 'rb').read()
w('object', 'edge_empty', b'')
w('object', 'edge_magic_only', b'\x7fELF')
w('object', 'edge_header_only', base[:64])
w('object', 'edge_truncated_half', base[:len(base)//2])
w('object', 'edge_bad_class', base[:4] + b'\x01' + base[5:])
w('object', 'edge_big_endian', base[:5] + b'\x02' + base[6:])
w('object', 'edge_exec_type', base[:16] + struct.pack('<H', 2) + base[18:])
w('object', 'edge_wrong_machine', base[:18] + struct.pack('<H', 40) + base[20:])
shoff, = struct.unpack_from('<Q', base, 40)
shnum, shstrndx = struct.unpack_from('<HH', base, 60)
# Extended numbering: e_shnum 0, count in section 0's sh_size, e_shstrndx SHN_XINDEX.
b = bytearray(base)
struct.pack_into('<HH', b, 60, 0, 0xffff)
struct.pack_into('<Q', b, shoff + 32, shnum)
struct.pack_into('<I', b, shoff + 40, shstrndx)
w('object', 'edge_ext_numbering', bytes(b))
# Section 1 offset + size wraps around.
b = bytearray(base)
struct.pack_into('<QQ', b, shoff + 64 + 24, 0xfffffffffffffff0, 0x20)
w('object', 'edge_wrap', bytes(b))
# e_shoff past the end.
b = bytearray(base); struct.pack_into('<Q', b, 40, len(base) + 8)
w('object', 'edge_shoff_past_end', bytes(b))
# Layout-prefixed copies for the link targets: near layout, no pinning, all found.
def cfg(mode, pin, flags=4, two=1):
    k = bytearray(32)
    k[0] = flags; k[1] = 0; k[2] = 1 if not pin else 0; k[3] = 0xff if pin else 0
    k[5] = mode; k[6] = 0; k[7] = 0; k[8] = 0xff; k[9] = two; k[10] = 1
    struct.pack_into('<QQ', k, 16, 0x1234567, 0x89abcdef)
    return b'XSLK' + bytes(k)
for sub, d in (('link_x86_64', xd), ('link_aarch64', ad)):
    for f in sorted(os.listdir(d))[:6]:
        data = open(os.path.join(d, f), 'rb').read()
        w(sub, 'near_' + f, cfg(0, False) + data)
        w(sub, 'pinned_' + f, cfg(0, True) + data)
        w(sub, 'far_' + f, cfg(3, False, flags=5) + data)
EOF

# howto: one seed per named row, exact edges and a matching instruction.
rows=${1:-}
if [ -z "$rows" ] || [ ! -f "$rows/libxsplice.a" ]; then
  rows=$tmp/rowsbuild
  cmake -S "$here" -B "$rows" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$rows" --target xsplice >/dev/null
fi
cat > rows.c <<'EOF'
#include <stdio.h>
#include "arch.h"
int main(void)
{
	const struct xs_arch *as[2] = { xs_arch_by_machine(62), xs_arch_by_machine(183) };
	for (int k = 0; k < 2; k++)
		for (unsigned t = 0; t <= as[k]->max_type; t++)
			if (as[k]->rows[t].name)
				printf("%d %u %s\n", k, t, as[k]->rows[t].name);
	return 0;
}
EOF
cc -I"$root/include" -iquote "$root/libxsplice" rows.c "$rows/libxsplice.a" -o rows
./rows > rows.txt
python3 - "$c/howto" rows.txt <<'EOF'
import os, struct, sys, random
out, rows = sys.argv[1], sys.argv[2]
r = random.Random(7)
for line in open(rows):
    k, t, name = line.split()
    k, t = int(k), int(t)
    for mode, edge in ((0x21, 0), (0x21, 1), (0x32, 8 | (3 << 3)), (0x00, 2)):
        v = [r.getrandbits(64) for _ in range(7)]
        data = struct.pack('<BHB', k, t, mode) + struct.pack('<7Q', *v) + struct.pack('<H', edge)
        open(os.path.join(out, '%s_%02x_%d' % (name, mode, edge & 7)), 'wb').write(data)
EOF

# cli_symbols: ELF images (stripped and not, executables and a library) and argument vectors.
gcc -O1 -s -o "$c/cli_symbols/x86_exe_stripped" tiny.c
gcc -O1 -o "$c/cli_symbols/x86_exe" tiny.c
gcc -O1 -shared -fPIC -o "$c/cli_symbols/x86_lib.so" tiny.c
aarch64-linux-gnu-gcc -O1 -Wl,-z,max-page-size=4096 -o "$c/cli_symbols/a64_exe" tiny.c
cp x/x86_a_sections.o "$c/cli_symbols/x86_object.o"
printf 'ARGV--arch\0x86_64\0--base\0x400000\0--section-start\0.text=0x401000\0--defsym\0foo=0x10\0-o\0out\0--just-symbols\0syms\0obj.o' > "$c/cli_symbols/argv_link"
printf 'ARGV--base=0xffffffffffffffff\0--defsym=a=0x1\0--arch=aarch64\0--map\0' > "$c/cli_symbols/argv_eq"
printf 'ARGV--base\0-1\0--defsym\0=\0--section-start\0.t=18446744073709551616\0-l' > "$c/cli_symbols/argv_bad"
du -sh "$c"
