// SPDX-License-Identifier: GPL-2.0
/*
 * The real transport: a libnl generic netlink socket with extended acks.
 * The only file that does socket I/O; see struct vtel_io.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <linux/netlink.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define VTEL_RCVBUF	(1 << 20)

static int sys_err(int fallback)
{
	return errno ? -errno : fallback;
}

static int nlsock_open(struct vtel_ctx *ctx)
{
	struct nl_sock *sk;
	int one = 1, fd;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	errno = 0;
	if (genl_connect(sk) < 0) {
		int err = sys_err(-EIO);

		nl_socket_free(sk);
		return err;
	}
	nl_socket_disable_auto_ack(sk);
	nl_socket_set_buffer_size(sk, VTEL_RCVBUF, 0);
	fd = nl_socket_get_fd(sk);
	/* Best effort: without them errors just come without a message. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	ctx->io_priv = sk;
	return 0;
}

static int nlsock_send(struct vtel_ctx *ctx, struct nl_msg *msg)
{
	errno = 0;
	if (nl_send_auto(ctx->io_priv, msg) < 0)
		return sys_err(-EIO);
	return 0;
}

static int nlsock_recv(struct vtel_ctx *ctx, unsigned char **bufp,
		       int timeout_ms)
{
	int fd = nl_socket_get_fd(ctx->io_priv);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct sockaddr_nl from;
	socklen_t fl;
	unsigned char *buf;
	ssize_t n;

	for (;;) {
		n = poll(&p, 1, timeout_ms);
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		buf = malloc(n ? n : 1);
		if (!buf)
			return -ENOMEM;
		fl = sizeof(from);
		n = recvfrom(fd, buf, n, 0, (struct sockaddr *)&from, &fl);
		if (n < 0) {
			int err = -errno;

			free(buf);
			return err;
		}
		if (fl == sizeof(from) && from.nl_pid == 0 && n > 0) {
			*bufp = buf;
			return (int)n;
		}
		free(buf);	/* not from the kernel */
	}
}

static int nlsock_subscribe(struct vtel_ctx *ctx, unsigned int group)
{
	errno = 0;
	if (nl_socket_add_membership(ctx->io_priv, (int)group) < 0)
		return sys_err(-EIO);
	return 0;
}

static void nlsock_close(struct vtel_ctx *ctx)
{
	nl_socket_free(ctx->io_priv);
	ctx->io_priv = NULL;
}

const struct vtel_io vtel_nlsock_io = {
	.open		= nlsock_open,
	.send		= nlsock_send,
	.recv		= nlsock_recv,
	.subscribe	= nlsock_subscribe,
	.close		= nlsock_close,
};
