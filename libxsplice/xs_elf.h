/* SPDX-License-Identifier: MIT */
/*
 * The ELF64 definitions the core needs (System V gABI, "ELF-64 Object File
 * Format"), spelled XS_ so that tools can include libelf's <elf.h> too.
 * Raw structures are read with memcpy: the input buffer may be unaligned.
 */
#ifndef XS_ELF_H
#define XS_ELF_H

#include <stdint.h>

#define XS_EI_NIDENT 16
#define XS_EI_CLASS 4
#define XS_EI_DATA 5
#define XS_EI_VERSION 6
#define XS_ELFCLASS64 2
#define XS_ELFDATA2LSB 1
#define XS_EV_CURRENT 1
#define XS_ET_REL 1
#define XS_ET_EXEC 2
#define XS_ET_DYN 3
#define XS_EM_X86_64 62
#define XS_EM_AARCH64 183

#define XS_SHN_UNDEF 0
#define XS_SHN_LORESERVE 0xff00
#define XS_SHN_ABS 0xfff1
#define XS_SHN_COMMON 0xfff2
#define XS_SHN_XINDEX 0xffff

#define XS_SHT_NULL 0
#define XS_SHT_PROGBITS 1
#define XS_SHT_SYMTAB 2
#define XS_SHT_STRTAB 3
#define XS_SHT_RELA 4
#define XS_SHT_HASH 5
#define XS_SHT_DYNAMIC 6
#define XS_SHT_NOTE 7
#define XS_SHT_NOBITS 8
#define XS_SHT_REL 9
#define XS_SHT_DYNSYM 11
#define XS_SHT_INIT_ARRAY 14
#define XS_SHT_FINI_ARRAY 15
#define XS_SHT_PREINIT_ARRAY 16
#define XS_SHT_GROUP 17
#define XS_SHT_SYMTAB_SHNDX 18
#define XS_SHT_X86_64_UNWIND 0x70000001

#define XS_SHF_WRITE 0x1
#define XS_SHF_ALLOC 0x2
#define XS_SHF_EXECINSTR 0x4
#define XS_SHF_MERGE 0x10
#define XS_SHF_STRINGS 0x20
#define XS_SHF_INFO_LINK 0x40
#define XS_SHF_GROUP 0x200
#define XS_SHF_TLS 0x400

#define XS_GRP_COMDAT 0x1

#define XS_STB_LOCAL 0
#define XS_STB_GLOBAL 1
#define XS_STB_WEAK 2
#define XS_STB_GNU_UNIQUE 10

#define XS_STT_NOTYPE 0
#define XS_STT_OBJECT 1
#define XS_STT_FUNC 2
#define XS_STT_SECTION 3
#define XS_STT_FILE 4
#define XS_STT_COMMON 5
#define XS_STT_TLS 6
#define XS_STT_GNU_IFUNC 10

#define XS_STV_DEFAULT 0
#define XS_STV_HIDDEN 2

struct xs_elf64_ehdr {
	uint8_t e_ident[XS_EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct xs_elf64_shdr {
	uint32_t sh_name;
	uint32_t sh_type;
	uint64_t sh_flags;
	uint64_t sh_addr;
	uint64_t sh_offset;
	uint64_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint64_t sh_addralign;
	uint64_t sh_entsize;
};

struct xs_elf64_sym {
	uint32_t st_name;
	uint8_t st_info;
	uint8_t st_other;
	uint16_t st_shndx;
	uint64_t st_value;
	uint64_t st_size;
};

struct xs_elf64_rela {
	uint64_t r_offset;
	uint64_t r_info;
	int64_t r_addend;
};

#define XS_ELF64_R_SYM(i) ((uint32_t)((i) >> 32))
#define XS_ELF64_R_TYPE(i) ((uint32_t)(i))
#define XS_ELF64_ST_BIND(i) ((uint8_t)((i) >> 4))
#define XS_ELF64_ST_TYPE(i) ((uint8_t)((i)&0xf))
#define XS_ELF64_ST_VISIBILITY(o) ((uint8_t)((o)&0x3))

#endif
