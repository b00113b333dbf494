// SPDX-License-Identifier: GPL-2.0
/*
 * vtel-nlfuzz: throw malformed and random generic netlink messages at the
 * vtel family and check that every one is answered.
 *
 *   vtel-nlfuzz [-n COUNT] [-s SEED] [-u] [-c CMD] [-g ID | -p PATH]
 *
 * -c CMD sends one well-formed, attribute-less request of command CMD
 * instead and prints "cmd CMD error E" (E = 0 or a negative errno); with
 * -a it carries one VTEL_A_FLAGS attribute, which CMD may not accept.
 * -g ID and -p PATH send VTEL_CMD_GET_VIEW for the cgroup with that id or
 * path and print "view error E exits N msg TEXT" (TEXT: the extack
 * message, or -).
 * -u drops to uid/gid 65534 with no capabilities before opening the
 * socket. Every message carries NLM_F_ACK, so the kernel must answer each
 * with an error, an ack or a complete dump; one exception is a message
 * whose nlmsg_len overruns the datagram, which netlink drops by design:
 * those are sent and only counted. Prints one summary line:
 *
 *   nlfuzz: sent N answered N unanswered N dropped-by-design N eperm N ok N
 *
 * and exits 1 if any message went unanswered.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "../../include/uapi/linux/vtel.h"

#define BUF_SIZE 65536

static int sock;
static uint16_t family;
static uint32_t seq = 1;
static uint64_t rng;

static uint32_t rnd(void)
{
	/* xorshift64*: reproducible from -s */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ULL) >> 32);
}

static size_t put_attr(char *p, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)p;

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(p + NLA_HDRLEN, data, len);
	return NLA_ALIGN(a->nla_len);
}

static int send_raw(const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	return sendto(sock, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa));
}

/*
 * Read until the answer to @want: an NLMSG_ERROR or NLMSG_DONE of that
 * sequence number. Returns 1 answered, 0 timed out; *err gets the error.
 */
static int await(uint32_t want, int *err)
{
	static char buf[BUF_SIZE];

	for (;;) {
		ssize_t n = recv(sock, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS)
				continue;
			return 0;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != want)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				*err = e->error;
				return 1;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				*err = 0;
				return 1;
			}
		}
	}
}

/* GET_VIEW of one cgroup: print the error, the exits and the extack. */
static int query_view(uint64_t id, const char *path)
{
	static char buf[BUF_SIZE];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = NLMSG_DATA(h);
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN;
	const char *msg = "-";
	unsigned long long exits = 0;
	int err = 0;
	ssize_t n;

	memset(buf, 0, 4096);
	g->cmd = VTEL_CMD_GET_VIEW;
	g->version = VTEL_GENL_VERSION;
	if (path)
		len += put_attr(buf + len, VTEL_A_CGROUP_PATH, path,
				strlen(path) + 1);
	else
		len += put_attr(buf + len, VTEL_A_CGROUP_ID, &id, sizeof(id));
	h->nlmsg_len = len;
	h->nlmsg_type = family;
	h->nlmsg_flags = NLM_F_REQUEST;
	h->nlmsg_seq = seq++;
	if (send_raw(buf, len) < 0)
		return 1;
	n = recv(sock, buf, sizeof(buf), 0);
	if (n < (ssize_t)NLMSG_HDRLEN)
		return 1;
	if (h->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(h);
		char *p = (char *)e + sizeof(*e) +
			  (h->nlmsg_flags & NLM_F_CAPPED ? 0 :
			   e->msg.nlmsg_len - NLMSG_HDRLEN);
		char *end = (char *)h + h->nlmsg_len;

		err = e->error;
		while (p + NLA_HDRLEN <= end) {
			struct nlattr *a = (struct nlattr *)p;

			if (a->nla_len < NLA_HDRLEN)
				break;
			if (a->nla_type == NLMSGERR_ATTR_MSG)
				msg = p + NLA_HDRLEN;
			p += NLA_ALIGN(a->nla_len);
		}
	} else {
		char *p = (char *)NLMSG_DATA(h) + GENL_HDRLEN;
		char *end = (char *)h + h->nlmsg_len;

		while (p + NLA_HDRLEN <= end) {
			struct nlattr *a = (struct nlattr *)p;

			if (a->nla_len < NLA_HDRLEN)
				break;
			if (a->nla_type == VTEL_A_EXITS)
				memcpy(&exits, p + NLA_HDRLEN, 8);
			p += NLA_ALIGN(a->nla_len);
		}
	}
	printf("view error %d exits %llu msg %s\n", err, exits, msg);
	return 0;
}

static int resolve_family(void)
{
	char buf[256] = {};
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = NLMSG_DATA(h);
	char rbuf[BUF_SIZE];
	ssize_t n;
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN;

	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	len += put_attr(buf + len, CTRL_ATTR_FAMILY_NAME, VTEL_GENL_NAME,
			sizeof(VTEL_GENL_NAME));
	h->nlmsg_len = len;
	h->nlmsg_type = GENL_ID_CTRL;
	h->nlmsg_flags = NLM_F_REQUEST;
	h->nlmsg_seq = seq++;
	if (send_raw(buf, len) < 0)
		return -errno;
	n = recv(sock, rbuf, sizeof(rbuf), 0);
	if (n < 0)
		return -errno;
	h = (struct nlmsghdr *)rbuf;
	if (h->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	{
		char *p = (char *)NLMSG_DATA(h) + GENL_HDRLEN;
		char *end = (char *)h + h->nlmsg_len;

		while (p + NLA_HDRLEN <= end) {
			struct nlattr *a = (struct nlattr *)p;

			if (a->nla_len < NLA_HDRLEN)
				break;
			if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID) {
				memcpy(&family, p + NLA_HDRLEN, 2);
				return 0;
			}
			p += NLA_ALIGN(a->nla_len);
		}
	}
	return -ENOENT;
}

/* A random attribute payload, sometimes well-formed, sometimes not. */
static size_t random_attrs(char *p, size_t room, int depth)
{
	size_t len = 0;
	int i, n = rnd() % 6;

	for (i = 0; i < n && len + 64 < room; i++) {
		uint16_t type = rnd() % (VTEL_A_MAX + 4);
		unsigned char data[24];
		uint16_t dlen = rnd() % 3 ? (uint16_t[]){ 0, 1, 2, 4, 8, 12 }[rnd() % 6]
					  : rnd() % sizeof(data);
		size_t j;

		for (j = 0; j < sizeof(data); j++)
			data[j] = rnd();
		if (rnd() % 4 == 0)
			type |= NLA_F_NESTED;
		if (depth < 40 && rnd() % 5 == 0) {
			/* nested, possibly deep */
			struct nlattr *a = (struct nlattr *)(p + len);
			size_t inner = random_attrs(p + len + NLA_HDRLEN,
						    room - len - NLA_HDRLEN,
						    depth + 1);

			a->nla_type = type | (rnd() % 2 ? NLA_F_NESTED : 0);
			a->nla_len = NLA_HDRLEN + inner;
			len += NLA_ALIGN(a->nla_len);
			continue;
		}
		if (type == VTEL_A_REASON && rnd() % 2) {
			static const char *names[] = { "io", "cpuid", "npf",
				"hlt", "nosuch", "", "unknown",
				"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
			const char *s = names[rnd() % 8];

			len += put_attr(p + len, type, s, strlen(s) + (rnd() % 3 != 0));
			continue;
		}
		len += put_attr(p + len, type, data, dlen);
		if (rnd() % 16 == 0) {
			/* lie about the attribute length */
			struct nlattr *a = (struct nlattr *)(p + len);

			a->nla_type = type;
			a->nla_len = 200 + rnd() % 2000;
			len += NLA_HDRLEN;
		}
	}
	return len;
}

/* A very deep nest of VTEL_A_CONFIG. */
static size_t deep_nest(char *p, size_t room)
{
	int depth = 2 + rnd() % 300;
	size_t need = (size_t)depth * NLA_HDRLEN + 8;
	uint64_t v = rnd();
	int i;

	if (need > room)
		depth = (room - 8) / NLA_HDRLEN;
	for (i = 0; i < depth; i++) {
		struct nlattr *a = (struct nlattr *)(p + i * NLA_HDRLEN);

		a->nla_type = (rnd() % 2 ? VTEL_A_CONFIG : rnd() % 50) |
			      NLA_F_NESTED;
		a->nla_len = (depth - i) * NLA_HDRLEN + 12;
	}
	put_attr(p + depth * NLA_HDRLEN, VTEL_C_SLOW_NS, &v, 8);
	return depth * NLA_HDRLEN + 12;
}

int main(int argc, char **argv)
{
	static char buf[BUF_SIZE];
	long count = 20000, sent = 0, answered = 0, lost = 0, dropped = 0;
	long eperm = 0, ok = 0;
	int unpriv = 0, opt, err, one_cmd = -1, with_attr = 0;
	const char *cg_path = NULL;
	uint64_t cg_id = 0;
	struct timeval tv = { .tv_sec = 2 };
	int rcvbuf = 1 << 20, one = 1;

	rng = 0x9e3779b97f4a7c15ULL;
	while ((opt = getopt(argc, argv, "n:s:uc:g:p:a")) != -1) {
		switch (opt) {
		case 'a':
			with_attr = 1;
			break;
		case 'g':
			cg_id = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			cg_path = optarg;
			break;
		case 'c':
			one_cmd = atoi(optarg);
			break;
		case 'n':
			count = strtol(optarg, NULL, 0);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 0) | 1;
			break;
		case 'u':
			unpriv = 1;
			break;
		default:
			fprintf(stderr, "usage: %s [-n COUNT] [-s SEED] [-u] [-c CMD [-a]] [-g ID | -p PATH]\n",
				argv[0]);
			return 2;
		}
	}
	if (unpriv && (setgroups(0, NULL) || setgid(65534) || setuid(65534))) {
		perror("vtel-nlfuzz: dropping privileges");
		return 2;
	}
	sock = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (sock < 0) {
		perror("vtel-nlfuzz: socket");
		return 2;
	}
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	err = resolve_family();
	if (err) {
		fprintf(stderr, "vtel-nlfuzz: family %s: %s\n", VTEL_GENL_NAME,
			strerror(-err));
		return 2;
	}

	if (cg_id || cg_path)
		return query_view(cg_id, cg_path);
	if (one_cmd >= 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		struct genlmsghdr *g = NLMSG_DATA(h);

		uint32_t flags = 0;

		h->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
		if (with_attr)
			h->nlmsg_len += put_attr(buf + h->nlmsg_len, VTEL_A_FLAGS,
						 &flags, sizeof(flags));
		h->nlmsg_type = family;
		h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		h->nlmsg_seq = seq;
		g->cmd = one_cmd;
		g->version = VTEL_GENL_VERSION;
		if (send_raw(buf, h->nlmsg_len) < 0 || !await(seq, &err)) {
			perror("vtel-nlfuzz: no answer");
			return 1;
		}
		printf("cmd %d error %d\n", one_cmd, err);
		return 0;
	}

	while (sent < count) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		struct genlmsghdr *g = NLMSG_DATA(h);
		size_t len = NLMSG_HDRLEN + GENL_HDRLEN;
		int kind = rnd() % 10, lie = 0;
		uint32_t s = seq++;

		memset(buf, 0, 4096);
		g->cmd = rnd() % 4 ? 1 + rnd() % VTEL_CMD_MAX : rnd() % 256;
		g->version = rnd() % 8 ? VTEL_GENL_VERSION : rnd() % 256;
		if (rnd() % 16 == 0)
			g->reserved = rnd();
		h->nlmsg_type = family;
		h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		if (rnd() % 3 == 0)
			h->nlmsg_flags |= NLM_F_DUMP;
		h->nlmsg_seq = s;

		switch (kind) {
		case 0:		/* truncated genl header */
			len = NLMSG_HDRLEN + rnd() % GENL_HDRLEN;
			break;
		case 1:		/* pure garbage after the genl header */
			{
				size_t j, n = rnd() % 512;

				for (j = 0; j < n; j++)
					buf[len + j] = rnd();
				len += n;
			}
			break;
		case 2:		/* deep nesting */
			len += deep_nest(buf + len, 8192);
			break;
		case 3:		/* lying nlmsg_len: dropped by netlink */
			lie = 1;
			len += random_attrs(buf + len, 2048, 0);
			break;
		default:	/* random, mostly plausible attributes */
			len += random_attrs(buf + len, 8192, 0);
			break;
		}
		h->nlmsg_len = lie ? len + 16 + rnd() % 4096 : len;
		if (send_raw(buf, len) < 0) {
			if (errno == ENOBUFS || errno == EAGAIN)
				continue;
			perror("vtel-nlfuzz: send");
			return 2;
		}
		sent++;
		if (lie) {
			dropped++;
			continue;
		}
		if (await(s, &err)) {
			answered++;
			if (err == -EPERM)
				eperm++;
			if (!err)
				ok++;
		} else {
			lost++;
			fprintf(stderr, "unanswered: seq %u cmd %u kind %d flags %#x len %zu\n",
				s, g->cmd, kind, h->nlmsg_flags, len);
		}
	}
	printf("nlfuzz: sent %ld answered %ld unanswered %ld dropped-by-design %ld eperm %ld ok %ld\n",
	       sent, answered, lost, dropped, eperm, ok);
	return lost ? 1 : 0;
}
