/* End-to-end driver for Debian's libz.a: deflate/inflate at every level and
 * strategy, raw/zlib/gzip wrappers, streaming with tiny buffers, dictionaries,
 * checksums and the gz* file API.  Output must not depend on the loader.
 * Usage: zlib_driver [WORD] [STATUS]: echoes WORD and exits with STATUS, so
 * the caller can check that arguments and the exit status pass through. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define N 200000

static unsigned char src[N], comp[N + N / 100 + 1024], back[N];

static void fill(void)
{
	unsigned s = 1;
	static const char *words[] = {"alpha ", "beta ", "gamma ", "delta ", "epsilon\n", "zeta ",
				      "eta ", "theta "};
	size_t i = 0;
	while (i < N) {
		s = s * 1664525u + 1013904223u;
		if ((s >> 28) < 3) { /* some noise */
			src[i++] = (unsigned char)(s >> 8);
			continue;
		}
		const char *w = words[(s >> 20) & 7];
		for (; *w && i < N; w++)
			src[i++] = (unsigned char)*w;
	}
}

static int stream_roundtrip(int level, int wbits, int mem, int strategy, size_t chunk)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, level, Z_DEFLATED, wbits, mem, strategy) != Z_OK)
		return -1;
	size_t in = 0, out = 0;
	int rc;
	do {
		size_t n = N - in < chunk ? N - in : chunk;
		z.next_in = src + in;
		z.avail_in = (uInt)n;
		in += n;
		int flush = in == N ? Z_FINISH : (in % (chunk * 16) == 0 ? Z_FULL_FLUSH : Z_NO_FLUSH);
		do {
			z.next_out = comp + out;
			z.avail_out = (uInt)(chunk < sizeof comp - out ? chunk : sizeof comp - out);
			rc = deflate(&z, flush);
			out = (size_t)(z.next_out - comp);
		} while (z.avail_out == 0 && rc != Z_STREAM_END);
	} while (rc != Z_STREAM_END);
	uLong total = z.total_out;
	deflateEnd(&z);

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, wbits) != Z_OK)
		return -2;
	size_t pos = 0, got = 0;
	do {
		z.next_in = comp + pos;
		z.avail_in = (uInt)(out - pos < chunk ? out - pos : chunk);
		do {
			z.next_out = back + got;
			z.avail_out = (uInt)(N - got < chunk ? N - got : chunk);
			rc = inflate(&z, Z_NO_FLUSH);
			got = (size_t)(z.next_out - back);
		} while (z.avail_out == 0 && rc == Z_OK && got < N);
		pos = (size_t)(z.next_in - comp);
	} while (rc == Z_OK);
	inflateEnd(&z);
	printf("  stream level=%d wbits=%d mem=%d strat=%d chunk=%zu: %lu bytes, rc=%d, same=%d\n",
	       level, wbits, mem, strategy, chunk, total, rc, got == N && !memcmp(src, back, N));
	return (int)total;
}

int main(int argc, char **argv)
{
	printf("zlib %s flags=%#lx\n", zlibVersion(), zlibCompileFlags() & 0xffff);
	printf("argc=%d arg1=%s\n", argc, argc > 1 ? argv[1] : "(none)");
	fill();
	printf("crc32=%08lx adler32=%08lx\n", crc32(0L, src, N), adler32(1L, src, N));
	uLong c1 = crc32(0L, src, N / 3), c2 = crc32(0L, src + N / 3, N - N / 3);
	printf("crc32_combine=%08lx adler32_combine=%08lx\n", crc32_combine(c1, c2, N - N / 3),
	       adler32_combine(adler32(1L, src, 777), adler32(1L, src + 777, N - 777), N - 777));

	for (int level = -1; level <= 9; level++) {
		uLongf cl = sizeof comp, bl = N;
		int rc = compress2(comp, &cl, src, N, level);
		int rc2 = uncompress(back, &bl, comp, cl);
		printf("  compress2 level=%d rc=%d len=%lu bound=%lu un=%d same=%d crc=%08lx\n", level, rc,
		       cl, compressBound(N), rc2, bl == N && !memcmp(src, back, N), crc32(0, comp, cl));
	}
	stream_roundtrip(6, 15, 8, Z_DEFAULT_STRATEGY, 4096);
	stream_roundtrip(9, 31, 9, Z_FILTERED, 1000);      /* gzip wrapper */
	stream_roundtrip(1, -12, 4, Z_HUFFMAN_ONLY, 333);  /* raw deflate */
	stream_roundtrip(5, 15, 1, Z_RLE, 77);
	stream_roundtrip(3, 10, 8, Z_FIXED, 65536);

	/* preset dictionary */
	{
		static const char dict[] = "alpha beta gamma delta epsilon zeta eta theta";
		z_stream z;
		memset(&z, 0, sizeof z);
		deflateInit(&z, 9);
		deflateSetDictionary(&z, (const Bytef *)dict, sizeof dict - 1);
		z.next_in = src;
		z.avail_in = 5000;
		z.next_out = comp;
		z.avail_out = sizeof comp;
		deflate(&z, Z_FINISH);
		uLong clen = z.total_out, dictid = z.adler;
		deflateEnd(&z);
		memset(&z, 0, sizeof z);
		inflateInit(&z);
		z.next_in = comp;
		z.avail_in = (uInt)clen;
		z.next_out = back;
		z.avail_out = N;
		int rc = inflate(&z, Z_FINISH);
		int rc2 = -99;
		if (rc == Z_NEED_DICT) {
			rc2 = inflateSetDictionary(&z, (const Bytef *)dict, sizeof dict - 1);
			rc = inflate(&z, Z_FINISH);
		}
		printf("  dict: clen=%lu id=%08lx setdict=%d rc=%d out=%lu same=%d\n", clen, dictid, rc2,
		       rc, z.total_out, !memcmp(src, back, 5000));
		inflateEnd(&z);
	}

	/* corrupted input must be reported, not crash */
	{
		uLongf cl = sizeof comp, bl = N;
		compress(comp, &cl, src, 10000);
		comp[cl / 2] ^= 0x55;
		int rc = uncompress(back, &bl, comp, cl);
		printf("  corrupt: rc=%d (%s)\n", rc, rc == Z_DATA_ERROR ? "data error" : "other");
	}

	/* gz file API */
	{
		char path[64];
		snprintf(path, sizeof path, "/tmp/xsplice-e2e-zlib-%ld.gz", (long)getpid());
		gzFile g = gzopen(path, "wb9");
		gzprintf(g, "header %d %s\n", 42, "gzprintf");
		gzwrite(g, src, 50000);
		gzputs(g, "\ntrailer\n");
		gzclose(g);
		g = gzopen(path, "rb");
		char line[128];
		gzgets(g, line, sizeof line);
		int n = gzread(g, back, 50000);
		printf("  gz: line=%s  read=%d same=%d eof=%d\n", strtok(line, "\n"), n,
		       n == 50000 && !memcmp(src, back, 50000), gzeof(g));
		gzclose(g);
		remove(path);
	}
	return argc > 2 ? atoi(argv[2]) : 0;
}
