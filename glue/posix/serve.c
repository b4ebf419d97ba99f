/* SPDX-License-Identifier: MIT */
/*
 * The control socket of a live-patchable process (xs_posix_serve), spoken
 * by `xsplice ctl`. One request per connection:
 *
 *   upload NAME SIZE FLAGS\n<SIZE bytes of ELF>
 *   apply NAME\n | revert NAME\n | replace NAME\n | unload NAME\n | list\n
 *
 * answered by "ok\n" and the command's output, or "error MESSAGE\n".
 * The socket file is mode 0600 and every peer's uid is checked with
 * SO_PEERCRED against ours.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"
#include "live_int.h"

#define XS_SERVE_MAX_PAYLOAD (64u << 20)

static int listen_fd = -1;

static void reply(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void replyf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void replyf(int fd, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		reply(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static bool read_full(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n) {
		ssize_t r = recv(fd, p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
	}
	return true;
}

/* The request line, without the newline; false on EOF / too long. */
static bool read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	while (n + 1 < size) {
		char c;
		ssize_t r = recv(fd, &c, 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		if (c == '\n') {
			buf[n] = 0;
			return true;
		}
		buf[n++] = c;
	}
	return false;
}

static void answer(int fd, xs_status s, const struct xs_diag *d, const char *okmsg)
{
	if (s == XS_OK)
		replyf(fd, "ok\n%s", okmsg ? okmsg : "");
	else
		replyf(fd, "error %s\n", d->msg[0] ? d->msg : xs_status_message(s));
}

static void handle(int fd)
{
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) != 0 || cr.uid != geteuid()) {
		replyf(fd, "error permission denied: peer uid %d is not this process's uid %d\n",
		       (int)cr.uid, (int)geteuid());
		return;
	}
	char line[512], cmd[16] = "", name[128] = "";
	unsigned long long size = 0, flags = 0;
	if (!read_line(fd, line, sizeof(line))) {
		replyf(fd, "error malformed request\n");
		return;
	}
	int n = sscanf(line, "%15s %127s %llu %llu", cmd, name, &size, &flags);
	struct xs_diag d;
	xs_diag_clear(&d);
	char msg[200];
	if (n >= 1 && strcmp(cmd, "list") == 0) {
		static char buf[65536];
		xs_posix_live_list(buf, sizeof(buf));
		replyf(fd, "ok\n");
		reply(fd, buf, strlen(buf));
		return;
	}
	if (n < 2) {
		replyf(fd, "error malformed request '%.100s'\n", line);
		return;
	}
	xs_status s;
	if (strcmp(cmd, "upload") == 0) {
		if (n < 3 || size == 0 || size > XS_SERVE_MAX_PAYLOAD) {
			replyf(fd, "error upload: bad size\n");
			return;
		}
		uint8_t *elf = malloc(size);
		if (!elf || !read_full(fd, elf, size)) {
			free(elf);
			replyf(fd, "error upload: short payload\n");
			return;
		}
		s = xs_posix_live_upload(name, elf, size, (uint32_t)flags, &d);
		free(elf);
		snprintf(msg, sizeof(msg), "uploaded %s\n", name);
	} else if (strcmp(cmd, "apply") == 0 || strcmp(cmd, "revert") == 0 ||
		   strcmp(cmd, "replace") == 0) {
		s = cmd[0] == 'a'   ? xs_posix_live_apply(name, &d)
		    : cmd[2] == 'v' ? xs_posix_live_revert(name, &d)
				    : xs_posix_live_replace(name, &d);
		snprintf(msg, sizeof(msg), "%s %s: rendezvous pause %llu us\n",
			 cmd[0] == 'a' ? "applied" : cmd[2] == 'v' ? "reverted" : "replaced with", name,
			 (unsigned long long)(xs_posix_live_last_pause_ns() / 1000));
	} else if (strcmp(cmd, "unload") == 0) {
		s = xs_posix_live_unload(name, &d);
		snprintf(msg, sizeof(msg), "unloaded %s\n", name);
	} else {
		replyf(fd, "error unknown command '%.20s'\n", cmd);
		return;
	}
	answer(fd, s, &d, msg);
}

static void *serve_thread(void *arg)
{
	(void)arg;
	/* best effort (CAP_SYS_NICE): answer promptly even when the program's threads are busy */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), -20);
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			usleep(10000);
			continue;
		}
		struct timeval tv = {10, 0};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		handle(fd);
		close(fd);
	}
	return NULL;
}

int xs_posix_serve(const char *socket_path)
{
	struct xs_diag d;
	xs_diag_clear(&d);
	if (!socket_path || strlen(socket_path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		fprintf(stderr, "xsplice: error: socket path missing or too long\n");
		errno = EINVAL;
		return -1;
	}
	if (listen_fd >= 0) {
		errno = EBUSY;
		return -1;
	}
	if (xs_posix_live_init(&d) != XS_OK) {
		fprintf(stderr, "xsplice: error: %s\n", d.msg);
		errno = ENOEXEC;
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", socket_path);
	struct stat st;
	if (lstat(socket_path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(socket_path); /* a stale socket of an earlier run */
	mode_t old = umask(0177); /* created 0600: never a moment with wider access */
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	int e = errno;
	if (r != 0 || chmod(socket_path, 0600) != 0 || listen(fd, 8) != 0) {
		e = errno;
		fprintf(stderr, "xsplice: error: %s: %s\n", socket_path, strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	listen_fd = fd;
	/* the server never runs patched code; it must still take the rendezvous signal
	 * when another thread of the program drives a transition itself */
	pthread_t t;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &at, serve_thread, NULL);
	pthread_attr_destroy(&at);
	if (r != 0) {
		close(fd);
		listen_fd = -1;
		errno = r;
		return -1;
	}
	return 0;
}
