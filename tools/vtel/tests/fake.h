/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake vtel kernel behind struct vtel_io. It answers CTRL_CMD_GETFAMILY
 * and every vtel command with messages built the way the module builds
 * them (u64 padding included), enforces the ABI's strict per-command
 * attribute policies (violations are counted), and can inject errors with
 * extack messages, interrupted dumps, malformed replies and events.
 */
#ifndef VTEL_FAKE_H
#define VTEL_FAKE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vtel.h"

#ifndef FAKE_MAX_VMS		/* make fake-prof: more, for FAKE_NVMS */
#define FAKE_MAX_VMS		8
#endif
#define FAKE_MAX_REASONS	8
#define FAKE_MAX_EVENTS		8
#define FAKE_MAX_CGROUPS	8
#ifndef FAKE_QUEUE
#define FAKE_QUEUE		64
#endif

struct fake_vm {
	uint32_t id, pid, vcpus;
	const char *comm;
	uint8_t state;
	uint64_t exits, handling_ns, guest_ns, slow;
	uint64_t vmm_ns, wait_ns, idle_ns;	/* of handling_ns; kvm the rest */
};

struct fake_reason {
	const char *name, *category;
	uint32_t code;
	uint8_t isa;
	uint64_t count, timed, total_ns, min_ns, max_ns;
	uint64_t p50, p90, p99, p999;
	unsigned int nhist;
	uint64_t hist_le[8], hist_count[8];
};

/*
 * A cgroup's own counters; its rollup is computed from the parent ids.
 * Each tick adds w * step exits (and 1000 ns handling, 9000 ns guest time
 * per exit) to its own counters, and cpu_w to its cpu.stat usage_usec,
 * which, like the kernel's, counts its descendants' too.
 */
struct fake_cgroup {
	uint64_t id;
	uint32_t level;
	const char *path;		/* NULL: removed */
	uint64_t parent;		/* id; 0 for the root */
	uint64_t own[4];		/* exits, handling, guest, slow */
	uint64_t w;
	uint64_t cpu_usec, cpu_w;
	bool no_cpu_stat;		/* fake_cgroupfs() leaves its file out */
};

struct fake_event {
	uint8_t event;
	uint32_t vm_id, pid;
	const char *comm;
	uint64_t exits, handling_ns, guest_ns;
};

enum fake_malform {
	MAL_NONE,
	MAL_WRONG_SIZE,		/* VM_ID as a u16 */
	MAL_MISSING_KEY,	/* GET_VMS without VM_ID */
	MAL_NO_NUL,		/* COMM without its NUL */
	MAL_BUCKET_NO_LE,
	MAL_TRUNC_ATTR,		/* last attribute runs past the message */
	MAL_TRUNC_GENL,		/* message shorter than a genl header */
	MAL_BAD_NLMSG_LEN,	/* nlmsg_len beyond the buffer */
	MAL_DUP_BUCKET,
	MAL_TOO_MANY_BUCKETS,
	MAL_TRUNC_ERR,		/* NLMSG_ERROR shorter than struct nlmsgerr */
	MAL_BAD_EXTACK,		/* extack TLV longer than the message */
	MAL_TWO_REPLIES,	/* two messages for a do command */
	MAL_NO_REPLY,		/* ack without a reply for a do command */
	MAL_STATUS_WRONG_SIZE,	/* GET_STATUS with a u32 EXITS */
	MAL_CONFIG_WRONG_SIZE,
	MAL_CTRL_NO_ID,
	MAL_EVENT_BAD,		/* an event without VTEL_A_EVENT */
};

struct fake {
	/* The family. */
	bool no_family;
	uint32_t version;
	uint64_t ops;
	int family_id, events_group;

	/* Injection. */
	int fail_cmd;			/* this command fails ... */
	int fail_err;			/* ... with this error ... */
	const char *fail_msg;		/* ... and this extack message */
	bool fail_in_done;		/* dumps: report it in NLMSG_DONE */
	bool uncapped;			/* errors carry the whole request */
	unsigned int intr_dumps;	/* next N dumps set NLM_F_DUMP_INTR */
	enum fake_malform malform;
	bool stale_first;		/* a stale message before replies */
	bool enobufs_once;		/* events: one -ENOBUFS first */
	int subscribe_err;		/* joining the group fails so */
	bool silent;			/* never answer: a hung kernel */

	/* Data. */
	struct fake_vm vms[FAKE_MAX_VMS];
	unsigned int nvms;
	struct fake_reason reasons[FAKE_MAX_REASONS];
	unsigned int nreasons;
	uint64_t slow_ns, event_rate;
	struct fake_cgroup cgroups[FAKE_MAX_CGROUPS];
	unsigned int ncgroups;
	struct fake_event events[FAKE_MAX_EVENTS];
	unsigned int nevents, next_event;
	/* Each GET_VMS / GET_EXITS adds tick * step to the counters. */
	uint64_t tick, step;
	/* A cgroup2 tree of cpu.stat files (fake_cgroupfs()); "": none. */
	char cgroupfs[256];
	/* A /proc of VMM processes (fake_procfs()); "": none. */
	char procfs[256];

	/* What the CLI sent. */
	unsigned int requests, violations;
	char violation[160];
	int last_cmd;
	uint16_t last_flags;
	uint64_t last_attrs;		/* bit per attribute type */
	uint32_t last_vm_id, last_pid, last_vcpu_id, last_flags_attr;
	uint64_t last_cgroup_id;
	int last_cgroup_fd;
	bool last_fd_was_dir;		/* the fd was open and a directory */
	char last_reason[64], last_cgroup_path[256];
	uint64_t last_cfg_have, last_cfg[VTEL_C_MAX + 1];
	/* The last VTEL_C_SLOW_OVERRIDE sent; ns UINT64_MAX: none (clear). */
	unsigned int last_slow_n;
	char last_slow_reason[64];
	uint64_t last_slow_ns;
	/* The per-reason thresholds GET_CONFIG reports. */
	unsigned int nslow;
	struct { char reason[32]; uint64_t ns; } slow[4];
	bool subscribed;
	int resets;

	/* Clock for top and events. */
	uint64_t mono_ns, wall_ns;
	unsigned int waits;
	unsigned int quit_after;	/* wait() returns 1 on this call */
	volatile sig_atomic_t stop;

	/* Reply buffers for recv. */
	unsigned char *q[FAKE_QUEUE];
	int qlen[FAKE_QUEUE];
	unsigned int qhead, qtail;
};

extern const struct vtel_io fake_io;

/* A fake with two VMs, four reasons and the whole ABI. */
void fake_init(struct fake *f);
void fake_free(struct fake *f);

/* A ctx wired to f, output to memory streams. */
struct fake_run {
	int rc;
	char *out, *err;
	size_t outlen, errlen;
};
void fake_ctx(struct vtel_ctx *ctx, struct fake *f, FILE *out, FILE *err);
/* Runs "vtel ARGS" (split at spaces; '...' quotes) against f. */
void fake_vtel(struct fake *f, struct fake_run *r, const char *args);
void fake_run_free(struct fake_run *r);

/* What a refresh of top does to the fake: time passes, counters grow. */
void fake_tick(struct fake *f, unsigned int ms);
/* A cgroup's counters at the current tick: own or with descendants. */
void fake_cg_vals(const struct fake *f, const struct fake_cgroup *c,
		  bool rollup, uint64_t v[4]);
/*
 * Creates a directory of cpu.stat files for the fake's cgroups (as a
 * cgroup2 mount has them) in a new temporary directory, sets f->cgroupfs
 * to it, and rewrites them at every tick. 0 or -errno.
 */
int fake_cgroupfs(struct fake *f);
/* Removes it. */
void fake_cgroupfs_remove(struct fake *f);
/*
 * /proc/PID/{comm,cmdline,cgroup} of the fake's live VM (pid 4242): comm
 * as the kernel says, the given cmdline (len bytes, NUL-separated) and
 * cgroup file, in a new temporary directory (f->procfs).
 */
int fake_procfs(struct fake *f, const char *cmdline, size_t len,
		const char *cgroup);
void fake_procfs_remove(struct fake *f);

#endif /* VTEL_FAKE_H */
