/* SPDX-License-Identifier: MIT */
/*
 * `xsplice ctl SOCKET CMD ...`: drive a live-patchable process (one that
 * called xs_posix_serve) the way xen-livepatch drives Xen:
 *
 *   upload NAME FILE [--any-host]   load a payload (linked, not applied)
 *   apply NAME | revert NAME | replace NAME | unload NAME
 *   list                            name, state, functions, last pause (us)
 *
 * The protocol is in glue/posix/serve.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tool.h"

static void ctl_usage(FILE *f)
{
	fputs("usage: xsplice ctl SOCKET COMMAND\n"
	      "\n"
	      "Commands:\n"
	      "  upload NAME FILE [--any-host]  load a payload into the process (not applied)\n"
	      "  apply NAME                     redirect its functions (one rendezvous)\n"
	      "  revert NAME                    undo the most recently applied payload\n"
	      "  replace NAME                   revert every applied payload and apply NAME,\n"
	      "                                 in one rendezvous, all or nothing\n"
	      "  unload NAME                    drop a payload that is not applied\n"
	      "  list                           payloads: name, state, functions, last pause\n"
	      "\n"
	      "--any-host accepts a payload without .livepatch.xen_depends (not bound to\n"
	      "this program's build-id with `xsplice bind`).\n",
	      f);
}

static bool send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		c += w;
		n -= (size_t)w;
	}
	return true;
}

int xs_cmd_ctl(int argc, char **argv)
{
	if (argc >= 2 && xs_tool_is_help(argv[1])) {
		ctl_usage(stdout);
		return XS_EXIT_OK;
	}
	if (argc < 3)
		return xs_tool_usage("ctl: usage: xsplice ctl SOCKET COMMAND (try: xsplice ctl --help)");
	const char *sock = argv[1], *cmd = argv[2];
	char head[512];
	uint8_t *data = NULL;
	size_t size = 0;
	bool any_host = false;
	if (strcmp(cmd, "list") == 0) {
		if (argc != 3)
			return xs_tool_usage("ctl: list takes no arguments");
		snprintf(head, sizeof(head), "list\n");
	} else if (strcmp(cmd, "upload") == 0) {
		const char *pos[2] = {NULL, NULL};
		int np = 0;
		for (int i = 3; i < argc; i++) {
			if (strcmp(argv[i], "--any-host") == 0)
				any_host = true;
			else if (argv[i][0] == '-' && argv[i][1])
				return xs_tool_usage("ctl: unknown option '%s'", argv[i]);
			else if (np < 2)
				pos[np++] = argv[i];
			else
				return xs_tool_usage("ctl: upload takes NAME FILE");
		}
		if (np != 2)
			return xs_tool_usage("ctl: upload takes NAME FILE");
		char err[512];
		if (!xs_tool_read_file(pos[1], &data, &size, err, sizeof(err)))
			return xs_tool_error("%s", err);
		snprintf(head, sizeof(head), "upload %s %zu %u\n", pos[0], size, any_host ? 1u : 0u);
	} else if (strcmp(cmd, "apply") == 0 || strcmp(cmd, "revert") == 0 ||
		   strcmp(cmd, "replace") == 0 || strcmp(cmd, "unload") == 0) {
		if (argc != 4)
			return xs_tool_usage("ctl: %s takes NAME", cmd);
		snprintf(head, sizeof(head), "%s %s\n", cmd, argv[3]);
	} else {
		return xs_tool_usage("ctl: unknown command '%s' (try: xsplice ctl --help)", cmd);
	}
	for (int i = 3; i < argc; i++)
		if (strpbrk(argv[i], " \n\t") && !(strcmp(cmd, "upload") == 0 && i == 4)) {
			free(data);
			return xs_tool_usage("ctl: names may not contain blanks: '%s'", argv[i]);
		}

	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(sock) >= sizeof(sa.sun_path)) {
		free(data);
		return xs_tool_error("%s: socket path too long", sock);
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		free(data);
		return xs_tool_error("%s: cannot connect: %s", sock, strerror(e));
	}
	bool ok = send_all(fd, head, strlen(head)) && (!size || send_all(fd, data, size));
	free(data);
	shutdown(fd, SHUT_WR);
	/* the whole answer: "ok\n..." or "error MESSAGE\n" */
	size_t cap = 4096, len = 0;
	char *resp = malloc(cap);
	for (ssize_t r; resp && (r = recv(fd, resp + len, cap - len - 1, 0)) != 0;) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += (size_t)r;
		if (len + 1 == cap) {
			char *n = realloc(resp, cap * 2);
			if (!n)
				break;
			resp = n;
			cap *= 2;
		}
	}
	close(fd);
	if (!resp)
		return xs_tool_error("out of memory");
	resp[len] = 0;
	int rc;
	if (strncmp(resp, "ok\n", 3) == 0) {
		fputs(resp + 3, stdout);
		rc = XS_EXIT_OK;
	} else if (strncmp(resp, "error ", 6) == 0) {
		char *nl = strchr(resp, '\n');
		if (nl)
			*nl = 0;
		rc = xs_tool_error("%s", resp + 6);
	} else {
		rc = xs_tool_error("%s: %s", sock,
				   ok ? "no answer from the process" : "cannot send the request");
	}
	free(resp);
	return rc;
}
