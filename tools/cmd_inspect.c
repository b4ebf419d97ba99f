/* SPDX-License-Identifier: MIT */
/*
 * `xsplice inspect OBJ`: what the core sees in an object - sections,
 * symbols, each relocation with the howto row that will apply it, and the
 * decoded .livepatch.* sections of a payload.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xsplice/howto.h>
#include <xsplice/object.h>

#include "tool.h"

static const char inspect_help[] =
	"usage: xsplice inspect OBJ\n"
	"\n"
	"Print the sections, symbols and relocations of a relocatable ELF object\n"
	"(x86_64 or aarch64), each relocation with its howto row: size in bytes,\n"
	"r_shift, required alignment of the value, mask, flags and overflow rule.\n";

static const char *sec_type(uint32_t t, char *buf, size_t n)
{
	static const char *const names[] = {
		[SHT_NULL] = "NULL",	 [SHT_PROGBITS] = "PROGBITS",
		[SHT_SYMTAB] = "SYMTAB", [SHT_STRTAB] = "STRTAB",
		[SHT_RELA] = "RELA",	 [SHT_HASH] = "HASH",
		[SHT_DYNAMIC] = "DYNAMIC", [SHT_NOTE] = "NOTE",
		[SHT_NOBITS] = "NOBITS", [SHT_REL] = "REL",
		[SHT_SHLIB] = "SHLIB",	 [SHT_DYNSYM] = "DYNSYM",
		[SHT_INIT_ARRAY] = "INIT_ARRAY", [SHT_FINI_ARRAY] = "FINI_ARRAY",
		[SHT_PREINIT_ARRAY] = "PREINIT_ARRAY", [SHT_GROUP] = "GROUP",
		[SHT_SYMTAB_SHNDX] = "SYMTAB_SHNDX",
	};
	if (t < sizeof(names) / sizeof(names[0]) && names[t])
		return names[t];
	switch (t) {
	case SHT_GNU_ATTRIBUTES: return "GNU_ATTRIBUTES";
	case SHT_GNU_HASH: return "GNU_HASH";
	case SHT_GNU_versym: return "VERSYM";
	case 0x6fffff4c: return "LLVM_ADDRSIG";
	case SHT_X86_64_UNWIND: return "X86_64_UNWIND";
	case 0x70000003: return "AARCH64_ATTRIBUTES";
	default: snprintf(buf, n, "%#x", t); return buf;
	}
}

static const char *sec_flags(uint64_t f, char *buf)
{
	static const struct {
		uint64_t bit;
		char c;
	} fl[] = {{SHF_WRITE, 'W'},	 {SHF_ALLOC, 'A'}, {SHF_EXECINSTR, 'X'},
		  {SHF_MERGE, 'M'},	 {SHF_STRINGS, 'S'}, {SHF_INFO_LINK, 'I'},
		  {SHF_LINK_ORDER, 'L'}, {SHF_GROUP, 'G'}, {SHF_TLS, 'T'},
		  {SHF_COMPRESSED, 'C'}, {0x200000, 'R'}, {SHF_EXCLUDE, 'E'}};
	char *p = buf;
	for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (f & fl[i].bit)
			*p++ = fl[i].c;
	if (p == buf)
		*p++ = '-';
	*p = '\0';
	return buf;
}

static const char *bind_name(uint8_t b)
{
	switch (b) {
	case STB_LOCAL: return "LOCAL";
	case STB_GLOBAL: return "GLOBAL";
	case STB_WEAK: return "WEAK";
	case STB_GNU_UNIQUE: return "UNIQUE";
	default: return "?";
	}
}

static const char *type_name(uint8_t t)
{
	static const char *const n[] = {"NOTYPE", "OBJECT", "FUNC", "SECTION",
					"FILE",   "COMMON", "TLS"};
	if (t < sizeof(n) / sizeof(n[0]))
		return n[t];
	return t == STT_GNU_IFUNC ? "IFUNC" : "?";
}

static const char *overflow_name(uint8_t o)
{
	switch (o) {
	case XS_OVF_NONE: return "none";
	case XS_OVF_SIGNED: return "signed";
	case XS_OVF_UNSIGNED: return "unsigned";
	case XS_OVF_BITFIELD: return "bitfield";
	case XS_OVF_SIGNED_OR_UNSIGNED: return "signed-or-unsigned";
	default: return "?";
	}
}

static const char *howto_flags(uint32_t f, char *buf, size_t n)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} fl[] = {{XS_HOWTO_PCREL, "pcrel"},	 {XS_HOWTO_GOT, "got"},
		  {XS_HOWTO_BRANCH, "branch"},	 {XS_HOWTO_MAYBE_BRANCH, "maybe-branch"},
		  {XS_HOWTO_TLS, "tls"},	 {XS_HOWTO_UNSUPPORTED, "unsupported"},
		  {XS_HOWTO_RELAX_GOTPCRELX, "relax"}, {XS_HOWTO_ADRP, "adrp"},
		  {XS_HOWTO_INSN, "insn"}};
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (f & fl[i].bit) {
			int w = snprintf(buf + len, n - len, "%s%s", len ? "," : "", fl[i].name);
			if (w < 0 || (size_t)w >= n - len)
				break;
			len += (size_t)w;
		}
	if (!len)
		snprintf(buf, n, "-");
	return buf;
}

static const char *sec_name(const struct xs_object *o, uint32_t i)
{
	if (i == 0 || i >= xs_object_section_count(o))
		return "";
	struct xs_section s;
	xs_object_section(o, i, &s);
	return s.name ? s.name : "";
}

static void print_sections(const struct xs_object *o)
{
	char tb[16], fb[16];
	uint32_t n = xs_object_section_count(o);
	printf("Sections (%u):\n", n);
	printf("  %5s %-24s %-14s %-6s %18s %8s\n", "[Nr]", "Name", "Type", "Flags", "Size",
	       "Align");
	for (uint32_t i = 0; i < n; i++) {
		struct xs_section s;
		xs_object_section(o, i, &s);
		printf("  [%3u] %-24s %-14s %-6s %#18llx %8llu\n", i, s.name ? s.name : "",
		       sec_type(s.type, tb, sizeof(tb)), sec_flags(s.flags, fb),
		       (unsigned long long)s.size, (unsigned long long)s.align);
	}
}

static void print_symbols(const struct xs_object *o)
{
	uint32_t n = xs_object_symbol_count(o);
	printf("\nSymbols (%u):\n", n);
	printf("  %6s %18s %8s %-6s %-7s %-20s %s\n", "Num", "Value", "Size", "Bind", "Type",
	       "Section", "Name");
	for (uint32_t i = 0; i < n; i++) {
		struct xs_symbol y;
		char secbuf[32];
		const char *sec;
		xs_object_symbol(o, i, &y);
		if (y.shndx == SHN_UNDEF)
			sec = "UND";
		else if (y.shndx == SHN_ABS)
			sec = "ABS";
		else if (y.shndx == SHN_COMMON)
			sec = "COM";
		else if (y.section) {
			snprintf(secbuf, sizeof(secbuf), "%u:%.24s", y.section,
				 sec_name(o, y.section));
			sec = secbuf;
		} else {
			snprintf(secbuf, sizeof(secbuf), "%#x", y.shndx);
			sec = secbuf;
		}
		const char *name = y.name && y.name[0] ? y.name
				   : y.type == STT_SECTION ? sec_name(o, y.section)
							   : "";
		printf("  %6u %#18llx %8llu %-6s %-7s %-20s %s\n", i, (unsigned long long)y.value,
		       (unsigned long long)y.size, bind_name(y.bind), type_name(y.type), sec, name);
	}
}

static void print_relocs(const struct xs_object *o, uint16_t machine)
{
	uint32_t n = xs_object_section_count(o);
	for (uint32_t i = 1; i < n; i++) {
		struct xs_section s;
		xs_object_section(o, i, &s);
		uint64_t cnt = xs_object_rela_count(o, i);
		if (s.type != SHT_RELA)
			continue;
		printf("\nRelocations in %s for [%u] %s (%llu):\n", s.name ? s.name : "", s.info,
		       sec_name(o, s.info), (unsigned long long)cnt);
		printf("  %18s %-28s %4s %7s %5s %18s %-22s %-18s %s\n", "Offset", "Type", "Size",
		       "r_shift", "Align", "Mask", "Flags", "Overflow", "Symbol + Addend");
		for (uint64_t j = 0; j < cnt; j++) {
			struct xs_rela r;
			struct xs_symbol y = {0};
			char sym[600], tbuf[32], fbuf[96];
			xs_object_rela(o, i, j, &r);
			if (r.sym < xs_object_symbol_count(o))
				xs_object_symbol(o, r.sym, &y);
			const char *name = y.name && y.name[0] ? y.name
					   : y.type == STT_SECTION ? sec_name(o, y.section)
								   : "";
			char sign = r.addend < 0 ? '-' : '+';
			unsigned long long mag = r.addend < 0 ? -(unsigned long long)r.addend
							      : (unsigned long long)r.addend;
			snprintf(sym, sizeof(sym), "%.512s %c %#llx", name[0] ? name : "*ABS*",
				 sign, mag);
			const struct xs_howto *h = xs_howto_lookup(machine, r.type);
			if (!h || !h->name) {
				snprintf(tbuf, sizeof(tbuf), "unknown(%u)", r.type);
				printf("  %#18llx %-28s %4s %7s %5s %18s %-22s %-18s %s\n",
				       (unsigned long long)r.offset, tbuf, "-", "-", "-", "-", "-",
				       "-", sym);
				continue;
			}
			printf("  %#18llx %-28s %4u %7u %5u %#18llx %-22s %-18s %s\n",
			       (unsigned long long)r.offset, h->name, h->size, h->r_shift,
			       1u << (h->align & 15), (unsigned long long)h->mask,
			       howto_flags(h->flags, fbuf, sizeof(fbuf)), overflow_name(h->overflow),
			       sym);
		}
	}
}

int xs_cmd_inspect(int argc, char **argv)
{
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (xs_tool_is_help(argv[i])) {
			fputs(inspect_help, stdout);
			return XS_EXIT_OK;
		}
		if (argv[i][0] == '-' && argv[i][1])
			return xs_tool_usage("inspect: unknown option '%s'", argv[i]);
		if (path)
			return xs_tool_usage("inspect: one object only");
		path = argv[i];
	}
	if (!path)
		return xs_tool_usage("inspect: no input object");
	uint8_t *buf;
	size_t size;
	char err[600];
	if (!xs_tool_read_file(path, &buf, &size, err, sizeof(err)))
		return xs_tool_error("%s", err);
	struct xs_object o;
	struct xs_diag d;
	xs_diag_clear(&d);
	xs_status s = xs_object_parse_ex(&o, buf, size, 0, XS_OBJECT_ALLOW_COMMON, &d);
	if (s != XS_OK) {
		free(buf);
		return xs_tool_error("%s: %s", path, xs_tool_diag(&d, s));
	}
	/* the header was validated: e_machine is the LE half-word at offset 18 */
	uint16_t machine = (uint16_t)(buf[18] | buf[19] << 8);
	printf("%s: ELF64 relocatable, machine %s (%u)\n\n", path,
	       machine == EM_X86_64 ? "x86_64" : machine == EM_AARCH64 ? "aarch64" : "?",
	       machine);
	print_sections(&o);
	print_symbols(&o);
	print_relocs(&o, machine);
	xs_tool_print_livepatch(&o);
	free(buf);
	return XS_EXIT_OK;
}
