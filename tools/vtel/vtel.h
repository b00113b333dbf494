/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtel - the CLI of the vtel KVM exit telemetry module.
 *
 * Layers, bottom up, each in its own files:
 *
 *   nl.c, nlsock.c   netlink transactions; nlsock.c is the only file that
 *                    touches a socket (struct vtel_io), so the rest runs
 *                    against a fake kernel in the unit tests
 *   model.c          attributes -> struct vtel_rec (validated)
 *   api.c            one function per vtel command: request -> records
 *   json.c human.c   output primitives
 *   print.c          field tables: one description, table and JSON output
 *   prom.c rates.c   Prometheus exposition, top's rate computation
 *   cgtree.c         the cgroup tree from paths, cpu.stat
 *   cmd_*.c          the commands; cli.c parses arguments and dispatches
 */
#ifndef VTEL_H
#define VTEL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/vtel.h>

#include "json.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define VTEL_CLI_VERSION	"0.1.0"
#define VTEL_REASON_MAX		63	/* the module's VTEL_A_REASON limit */

/* Exit statuses; see Documentation/vtel.8. */
enum vtel_exit {
	VTEL_EXIT_OK		= 0,
	VTEL_EXIT_ERROR		= 1,	/* any other runtime error */
	VTEL_EXIT_USAGE		= 2,	/* bad command line */
	VTEL_EXIT_NOMOD		= 3,	/* family "vtel" not found */
	VTEL_EXIT_PERM		= 4,	/* -EPERM / -EACCES */
	VTEL_EXIT_NOENT		= 5,	/* unknown pid, vm, vcpu or reason */
	VTEL_EXIT_VERSION	= 6,	/* module too old or too new */
};

/* Internal error codes, above errno's range; returned negated. */
#define VTEL_ENOFAMILY	4097	/* no generic netlink family "vtel" */
#define VTEL_EVERSION	4098	/* family version < VTEL_GENL_VERSION */
#define VTEL_ENOCMD	4099	/* family lacks the command */
#define VTEL_EBADREPLY	4100	/* malformed message from the kernel */
#define VTEL_EDUMPINTR	4101	/* dump interrupted too many times */
#define VTEL_EUSAGE	4102	/* command line error, already reported */

/*
 * A view selector: none (host), a VM (by id or pid), a vCPU of it, or a
 * cgroup v2 (by id, path in the cgroup namespace, or directory, sent as an
 * open fd) with its descendants, or alone with own.
 */
struct vtel_sel {
	bool has_pid, has_vm, has_vcpu, has_cgroup_id, own;
	u32 pid, vm_id, vcpu_id;
	u64 cgroup_id;
	const char *cgroup_path;	/* as given; see vtel_cgroup_path_norm() */
	const char *cgroup_dir;
};

static inline bool vtel_sel_cgroup(const struct vtel_sel *s)
{
	return s->has_cgroup_id || s->cgroup_path || s->cgroup_dir;
}

struct vtel_ctx;
struct nl_msg;

/*
 * The transport. recv returns a malloc()ed buffer of netlink messages and
 * its length, 0 on timeout (timeout_ms < 0 waits forever), or -errno.
 */
struct vtel_io {
	int (*open)(struct vtel_ctx *ctx);
	int (*send)(struct vtel_ctx *ctx, struct nl_msg *msg);
	int (*recv)(struct vtel_ctx *ctx, unsigned char **buf, int timeout_ms);
	int (*subscribe)(struct vtel_ctx *ctx, unsigned int group);
	void (*close)(struct vtel_ctx *ctx);
};

/* What CTRL_CMD_GETFAMILY told us about "vtel". */
struct vtel_family {
	int id;
	u32 version;
	bool have_ops;		/* CTRL_ATTR_OPS was present */
	u64 ops;		/* bit n: command n is supported */
	int events_group;	/* multicast group id, -1 if none */
};

struct vtel_ctx {
	struct vtel_out out;	/* stdout, text or JSON */
	FILE *err;
	bool tty;		/* stdin and stdout are terminals */
	const struct vtel_io *io;
	void *io_priv;
	bool opened;
	bool resolved;
	struct vtel_family fam;
	u32 seq;
	char extack[256];	/* NLMSGERR_ATTR_MSG of the last error */
	char subject[96];	/* what the request was about, for errors */
	int cur_cmd;		/* vtel command of the last request */
	unsigned int dump_retries;
	u64 (*mono_ns)(void);
	u64 (*wall_ns)(void);
	/* Wait up to ms for the next refresh; 1 if the user asked to quit. */
	int (*wait)(struct vtel_ctx *ctx, unsigned int ms);
	volatile sig_atomic_t *stop;	/* set by SIGINT/SIGTERM */
	void (*catch_signals)(struct vtel_ctx *ctx);	/* sets up stop */
	/*
	 * The cgroup2 mount cpu.stat files are read from; NULL: found in
	 * /proc/self/mounts when first needed, "": none (cgtree.c).
	 */
	const char *cgroup_root;
	/* Where VMM processes are looked up for VM names; NULL: /proc, "": none. */
	const char *proc_root;
};

/* cli.c */
int vtel_main(struct vtel_ctx *ctx, int argc, char **argv);
int vtel_usage_error(struct vtel_ctx *ctx, const char *cmd,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* nl.c: reports err on ctx->err as one line, returns the exit status. */
int vtel_report(struct vtel_ctx *ctx, int err);
int vtel_errno_status(int err);

#endif /* VTEL_H */
