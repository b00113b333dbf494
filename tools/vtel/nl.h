/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netlink transactions over a struct vtel_io: sequence numbers, acks,
 * NLMSG_ERROR and NLMSG_DONE errors with their extack message, dumps
 * interrupted by NLM_F_DUMP_INTR (retried), family resolution.
 */
#ifndef VTEL_NL_H
#define VTEL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vtel.h"

struct nlmsghdr;

#define VTEL_DUMP_TRIES		5	/* attempts of an interrupted dump */
#define VTEL_REPLY_TIMEOUT_MS	10000

typedef int (*vtel_msg_fn)(const struct nlmsghdr *nlh, void *arg);

/* State of one request while its replies are processed. */
struct vtel_xact {
	uint32_t seq;
	bool dump;
	bool done;
	bool intr;		/* a message had NLM_F_DUMP_INTR */
	int err;		/* first error: kernel's or the handler's */
	vtel_msg_fn fn;
	void *arg;
};

/* Feeds one buffer of messages to x. Pure: no I/O. */
void vtel_nl_process(struct vtel_ctx *ctx, struct vtel_xact *x,
		     const void *buf, size_t len);

/* Opens the transport and resolves the family (once). */
int vtel_resolve(struct vtel_ctx *ctx);
void vtel_close(struct vtel_ctx *ctx);

/* A request for vtel command cmd; -VTEL_ENOCMD if the family lacks it. */
int vtel_msg_new(struct vtel_ctx *ctx, int cmd, bool dump,
		 struct nl_msg **msgp);
/*
 * Sends msg (consumed) and feeds every reply to fn until the ack or the
 * end of the dump. An interrupted dump calls restart(arg) and is sent
 * again, up to VTEL_DUMP_TRIES times in all.
 */
int vtel_transact(struct vtel_ctx *ctx, struct nl_msg *msg, bool dump,
		  vtel_msg_fn fn, void *arg, void (*restart)(void *arg));

const char *vtel_cmd_name(int cmd);

/* The real transport: a libnl generic netlink socket. */
extern const struct vtel_io vtel_nlsock_io;

#endif /* VTEL_NL_H */
