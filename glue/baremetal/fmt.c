/* SPDX-License-Identifier: MIT */
/* A small vsnprintf (%s %c %d %i %u %x %X %p %%, flags 0 - #, width, h/l/ll/z) and the console. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_baremetal.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, bool upper, bool neg, int width,
		    bool zero, bool left)
{
	char tmp[24];
	int n = 0;
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	do {
		tmp[n++] = dig[v % base];
		v /= base;
	} while (v);
	int len = n + (neg ? 1 : 0);
	if (neg && zero)
		put(o, '-');
	for (; !left && len < width; width--)
		put(o, zero ? '0' : ' ');
	if (neg && !zero)
		put(o, '-');
	while (n)
		put(o, tmp[--n]);
	for (; left && len < width; width--)
		put(o, ' ');
}

int xs_bm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		bool zero = false, left = false, alt = false;
		int width = 0, lng = 0;
		for (p++; *p == '0' || *p == '-' || *p == '#'; p++) {
			if (*p == '0')
				zero = true;
			else if (*p == '-')
				left = true;
			else
				alt = true;
		}
		for (; *p >= '0' && *p <= '9'; p++)
			width = width * 10 + (*p - '0');
		for (; *p == 'l' || *p == 'z' || *p == 'h'; p++)
			lng += *p == 'h' ? 0 : (*p == 'z' ? 2 : 1);
		switch (*p) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			put_num(&o, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, false,
				v < 0, width, zero, left);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			if (alt && *p != 'u') {
				put(&o, '0');
				put(&o, 'x');
			}
			put_num(&o, v, *p == 'u' ? 10 : 16, *p == 'X', false, width, zero, left);
			break;
		}
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, false, false,
				width, zero, left);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n = 0;
			if (!s)
				s = "(null)";
			while (s[n])
				n++;
			for (; !left && n < width; width--)
				put(&o, ' ');
			for (const char *q = s; *q; q++)
				put(&o, *q);
			for (; left && n < width; width--)
				put(&o, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			if (*p)
				put(&o, *p);
			else
				p--;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int xs_bm_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = xs_bm_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void xs_bm_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	xs_bm_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	xs_bm_plat_puts(buf);
}
