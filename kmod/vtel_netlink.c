// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "vtel": the stable ABI. Commands and
 * attributes are documented in include/uapi/linux/vtel.h.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/jiffies.h>
#include <linux/capability.h>
#include <net/genetlink.h>
#include <uapi/linux/vtel.h>

#include "vtel_alloc.h"
#include "vtel_cg.h"
#include "vtel_cgroup.h"
#include "vtel_compat.h"
#include "vtel_hook.h"
#include "vtel_netlink.h"
#include "vtel_slow.h"
#include "vtel_table.h"
#include "vtel_view.h"
#include "vtel_vm.h"

static bool unprivileged_read;
module_param(unprivileged_read, bool, 0444);
MODULE_PARM_DESC(unprivileged_read,
		 "Let users without CAP_PERFMON read per-VM exit timings (default N)");

static unsigned int vtel_event_rate = 100;
static u64 vtel_events_dropped;
static unsigned long vtel_event_window;
static unsigned int vtel_events_in_window;

static struct genl_family vtel_family;

/*
 * Commands without attributes have no policy: for ops at or above
 * resv_start_op the genetlink core then rejects every attribute.
 */
static const struct nla_policy vtel_vcpus_policy[VTEL_A_MAX + 1] = {
	[VTEL_A_VM_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[VTEL_A_PID]		= NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy vtel_addrs_policy[VTEL_A_MAX + 1] = {
	[VTEL_A_VM_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[VTEL_A_PID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[VTEL_A_VCPU_ID]	= { .type = NLA_U32 },
};

static const struct nla_policy vtel_view_policy[VTEL_A_MAX + 1] = {
	[VTEL_A_VM_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[VTEL_A_PID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[VTEL_A_VCPU_ID]	= { .type = NLA_U32 },
	[VTEL_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32, VTEL_F_CGROUP_OWN),
	[VTEL_A_CGROUP_ID]	= NLA_POLICY_MIN(NLA_U64, 1),
	[VTEL_A_CGROUP_FD]	= { .type = NLA_U32 },
	[VTEL_A_CGROUP_PATH]	= { .type = NLA_NUL_STRING,
				    .len = PATH_MAX - 1 },
};

static const struct nla_policy vtel_sel_policy[VTEL_A_MAX + 1] = {
	[VTEL_A_VM_ID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[VTEL_A_PID]		= NLA_POLICY_MIN(NLA_U32, 1),
	[VTEL_A_VCPU_ID]	= { .type = NLA_U32 },
	[VTEL_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32, VTEL_F_HIST |
						  VTEL_F_CGROUP_OWN),
	[VTEL_A_REASON]		= { .type = NLA_NUL_STRING, .len = 63 },
	[VTEL_A_CGROUP_ID]	= NLA_POLICY_MIN(NLA_U64, 1),
	[VTEL_A_CGROUP_FD]	= { .type = NLA_U32 },
	[VTEL_A_CGROUP_PATH]	= { .type = NLA_NUL_STRING,
				    .len = PATH_MAX - 1 },
};

/* Not const: 6.1's nla_policy takes a non-const range. */
static struct netlink_range_validation vtel_event_rate_range = {
	.min = 0,
	.max = 100000,
};

static const struct nla_policy vtel_slow_policy[VTEL_S_MAX + 1] = {
	[VTEL_S_REASON]		= { .type = NLA_NUL_STRING, .len = 63 },
	[VTEL_S_NS]		= { .type = NLA_U64 },
};

static const struct nla_policy vtel_config_policy[VTEL_C_MAX + 1] = {
	[VTEL_C_SLOW_NS]	= { .type = NLA_U64 },
	[VTEL_C_SLOW_IDLE_NS]	= { .type = NLA_U64 },
	[VTEL_C_SLOW_OVERRIDE]	= NLA_POLICY_NESTED(vtel_slow_policy),
	[VTEL_C_EVENT_RATE]	= NLA_POLICY_FULL_RANGE(NLA_U32,
						&vtel_event_rate_range),
	[VTEL_C_UNPRIVILEGED_READ] = { .type = NLA_REJECT },
	[VTEL_C_MAX_VMS]	= { .type = NLA_REJECT },
	[VTEL_C_MAX_VCPUS]	= { .type = NLA_REJECT },
	[VTEL_C_RETIRED_VMS]	= { .type = NLA_REJECT },
	[VTEL_C_RETIRED_SECS]	= { .type = NLA_REJECT },
	[VTEL_C_MAX_ADDRS]	= { .type = NLA_REJECT },
};

static const struct nla_policy vtel_set_config_policy[VTEL_A_MAX + 1] = {
	[VTEL_A_CONFIG]		= NLA_POLICY_NESTED(vtel_config_policy),
};

static bool vtel_may_read(struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	if (unprivileged_read || netlink_capable(skb, CAP_PERFMON) ||
	    netlink_capable(skb, CAP_SYS_ADMIN))
		return true;
	NL_SET_ERR_MSG(extack,
		       "per-VM exit timings need CAP_PERFMON (or unprivileged_read=1)");
	return false;
}

static int vtel_vcpu_exists(u32 vm_id, u32 vcpu_id)
{
	struct vtel_vcpu *vc;
	struct vtel_vm *vm;
	int err = -ENOENT;

	rcu_read_lock();
	vtel_vm_for_each(vm) {
		if (vm->id != vm_id)
			continue;
		vtel_vm_for_each_vcpu(vm, vc)
			if (vc->vcpu_id == vcpu_id)
				err = 0;
		break;
	}
	rcu_read_unlock();
	return err;
}

static bool vtel_vm_exists(u32 vm_id)
{
	struct vtel_vm *vm;
	bool found = false;

	rcu_read_lock();
	vtel_vm_for_each(vm)
		if (vm->id == vm_id)
			found = true;
	rcu_read_unlock();
	return found;
}

/*
 * A cgroup path names a cgroup vCPU threads ran in, or an ancestor of one:
 * compare the path of each candidate in the caller's cgroup namespace.
 */
static int vtel_cgroup_by_path(const char *want, u64 *id, u32 *level)
{
	const u32 max = vtel_table_limits()->max_cgroups * (VTEL_CG_DEPTH + 1);
	u64 *ids = kvmalloc_array(max, sizeof(*ids), GFP_KERNEL_ACCOUNT);
	char *path = vtel_kmalloc(PATH_MAX, GFP_KERNEL_ACCOUNT);
	struct vtel_cg *cg;
	u32 n = 0, i;
	int err = -ENOENT;

	if (!ids || !path) {
		err = -ENOMEM;
		goto out;
	}
	rcu_read_lock();
	vtel_cg_for_each(cg) {
		for (i = 0; i <= cg->path.level && i < VTEL_CG_DEPTH &&
		     n < max; i++)
			ids[n++] = cg->path.ids[i];
		if (n < max)
			ids[n++] = cg->path.id;
	}
	rcu_read_unlock();
	for (i = 0; i < n; i++) {
		if (vtel_cgroup_path(ids[i], path, PATH_MAX) ||
		    strcmp(path, want))
			continue;
		*id = ids[i];
		err = vtel_cgroup_level(ids[i], level);
		break;
	}
out:
	kfree(path);
	kvfree(ids);
	return err;
}

static int vtel_parse_cgroup(struct nlattr **attrs, struct vtel_sel *sel,
			     struct netlink_ext_ack *extack)
{
	int err;

	if (attrs[VTEL_A_CGROUP_ID]) {
		sel->cg_id = nla_get_u64(attrs[VTEL_A_CGROUP_ID]);
		err = vtel_cgroup_level(sel->cg_id, &sel->cg_level);
		if (err)
			NL_SET_ERR_MSG_ATTR(extack, attrs[VTEL_A_CGROUP_ID],
					    "no such cgroup (removed?)");
	} else if (attrs[VTEL_A_CGROUP_FD]) {
		err = vtel_cgroup_from_fd(nla_get_u32(attrs[VTEL_A_CGROUP_FD]),
					  &sel->cg_id, &sel->cg_level);
		if (err)
			NL_SET_ERR_MSG_ATTR(extack, attrs[VTEL_A_CGROUP_FD],
					    "not an open cgroup v2 directory");
	} else {
		err = vtel_cgroup_by_path(nla_data(attrs[VTEL_A_CGROUP_PATH]),
					  &sel->cg_id, &sel->cg_level);
		if (err == -ENOENT)
			NL_SET_ERR_MSG_ATTR(extack, attrs[VTEL_A_CGROUP_PATH],
					    "no cgroup at this path has had vCPUs in or below it");
	}
	if (err)
		return err;
	sel->type = VTEL_SEL_CGROUP;
	sel->cg_own = attrs[VTEL_A_FLAGS] &&
		      (nla_get_u32(attrs[VTEL_A_FLAGS]) & VTEL_F_CGROUP_OWN);
	return 0;
}

static int vtel_parse_sel(struct nlattr **attrs, struct vtel_sel *sel,
			  bool need_vm, struct netlink_ext_ack *extack)
{
	static const int which[] = { VTEL_A_VM_ID, VTEL_A_PID,
				     VTEL_A_CGROUP_ID, VTEL_A_CGROUP_FD,
				     VTEL_A_CGROUP_PATH };
	struct nlattr *seen = NULL;
	unsigned int i;

	memset(sel, 0, sizeof(*sel));
	for (i = 0; i < ARRAY_SIZE(which); i++) {
		if (!attrs[which[i]])
			continue;
		if (seen) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[which[i]],
					    "give one VM or cgroup selector");
			return -EINVAL;
		}
		seen = attrs[which[i]];
	}
	if (attrs[VTEL_A_CGROUP_ID] || attrs[VTEL_A_CGROUP_FD] ||
	    attrs[VTEL_A_CGROUP_PATH]) {
		if (need_vm || attrs[VTEL_A_VCPU_ID]) {
			NL_SET_ERR_MSG_ATTR(extack, seen,
					    "this request takes a VM, not a cgroup");
			return -EINVAL;
		}
		return vtel_parse_cgroup(attrs, sel, extack);
	}
	if (attrs[VTEL_A_VM_ID]) {
		sel->vm_id = nla_get_u32(attrs[VTEL_A_VM_ID]);
		if (!vtel_vm_exists(sel->vm_id)) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[VTEL_A_VM_ID],
					    "no such VM");
			return -ENOENT;
		}
		sel->type = VTEL_SEL_VM;
	} else if (attrs[VTEL_A_PID]) {
		if (vtel_vm_by_pid(nla_get_u32(attrs[VTEL_A_PID]),
				   &sel->vm_id)) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[VTEL_A_PID],
					    "no VM of this pid is known");
			return -ENOENT;
		}
		sel->type = VTEL_SEL_VM;
	}
	if (attrs[VTEL_A_VCPU_ID]) {
		if (sel->type != VTEL_SEL_VM) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[VTEL_A_VCPU_ID],
					    "a vCPU needs VTEL_A_VM_ID or VTEL_A_PID");
			return -EINVAL;
		}
		sel->vcpu_id = nla_get_u32(attrs[VTEL_A_VCPU_ID]);
		if (vtel_vcpu_exists(sel->vm_id, sel->vcpu_id)) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[VTEL_A_VCPU_ID],
					    "no such vCPU in this VM");
			return -ENOENT;
		}
		sel->type = VTEL_SEL_VCPU;
	}
	if (need_vm && sel->type == VTEL_SEL_HOST) {
		NL_SET_ERR_MSG(extack, "VTEL_A_VM_ID or VTEL_A_PID is required");
		return -EINVAL;
	}
	return 0;
}

static void vtel_set_gone_msg(struct netlink_ext_ack *extack,
			      const struct vtel_sel *sel)
{
	if (sel->type == VTEL_SEL_CGROUP)
		NL_SET_ERR_MSG(extack, "no vCPU ran in this cgroup itself");
	else
		NL_SET_ERR_MSG(extack, "the VM or vCPU went away");
}

/* The time split of a view or a reason: one attribute per bucket. */
static int vtel_put_split(struct sk_buff *skb, const struct vtel_times *tm)
{
	if (nla_put_u64_64bit(skb, VTEL_A_KVM_NS, tm->kvm_ns, VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_VMM_NS, tm->vmm_ns, VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_WAIT_NS, tm->wait_ns, VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_IDLE_NS, tm->idle_ns, VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_POLL_NS, tm->poll_ns, VTEL_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* The time totals of a view, also the contents of a VTEL_A_ROLLUP nest. */
static int vtel_put_times(struct sk_buff *skb, const struct vtel_totals *t)
{
	struct vtel_times tm;

	vtel_times_make(&tm, t->guest_ns, t->handling_ns, &t->split);
	if (nla_put_u64_64bit(skb, VTEL_A_EXITS, t->exits, VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_HANDLING_NS, t->handling_ns,
			      VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_GUEST_NS, t->guest_ns, VTEL_A_PAD) ||
	    vtel_put_split(skb, &tm) ||
	    nla_put_u32(skb, VTEL_A_OVERHEAD_PPM,
			vtel_times_overhead_ppm(&tm)) ||
	    nla_put_u32(skb, VTEL_A_WAIT_PPM, vtel_times_wait_ppm(&tm)) ||
	    nla_put_u64_64bit(skb, VTEL_A_SLOW_EXITS, t->slow_exits,
			      VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_L2_EXITS, t->l2_exits, VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_L2_HANDLING_NS, t->l2_handling_ns,
			      VTEL_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int vtel_put_totals(struct sk_buff *skb, const struct vtel_totals *t)
{
	if (nla_put_u32(skb, VTEL_A_VCPUS, t->nr_vcpus))
		return -EMSGSIZE;
	return vtel_put_times(skb, t);
}

static int vtel_put_vm(struct sk_buff *skb, const struct vtel_vm *vm)
{
	if (nla_put_u32(skb, VTEL_A_VM_ID, vm->id) ||
	    nla_put_u32(skb, VTEL_A_PID, vm->pid) ||
	    nla_put_string(skb, VTEL_A_COMM, vm->comm))
		return -EMSGSIZE;
	return 0;
}

static int vtel_put_cgroup(struct sk_buff *skb, u64 id, u32 level)
{
	char *path = vtel_kmalloc(PATH_MAX, GFP_KERNEL);
	int err = -EMSGSIZE;

	if (!path)
		return -ENOMEM;
	if (nla_put_u64_64bit(skb, VTEL_A_CGROUP_ID, id, VTEL_A_PAD) ||
	    nla_put_u32(skb, VTEL_A_CGROUP_LEVEL, level))
		goto out;
	if (!vtel_cgroup_path(id, path, PATH_MAX) &&
	    nla_put_string(skb, VTEL_A_CGROUP_PATH, path))
		goto out;
	err = 0;
out:
	kfree(path);
	return err;
}

/*
 * Dump snapshots live until the dump ends, which a reader that stops
 * reading delays at will: they are charged to the caller's memory cgroup,
 * and at most VTEL_DUMPS_MAX are held at a time (an exits snapshot is
 * 2.3 KB a reason of its view); more are refused with -EBUSY and counted.
 */
#define VTEL_DUMPS_MAX 64
static atomic_t vtel_dumps = ATOMIC_INIT(0);
static atomic64_t vtel_dumps_refused = ATOMIC64_INIT(0);

static void *vtel_dump_alloc(size_t size, struct netlink_ext_ack *extack)
{
	void *p;

	if (atomic_inc_return(&vtel_dumps) > VTEL_DUMPS_MAX) {
		atomic_dec(&vtel_dumps);
		atomic64_inc(&vtel_dumps_refused);
		NL_SET_ERR_MSG(extack, "too many vtel dumps in progress");
		return ERR_PTR(-EBUSY);
	}
	p = vtel_kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!p) {
		atomic_dec(&vtel_dumps);
		return ERR_PTR(-ENOMEM);
	}
	return p;
}

static void vtel_dump_free(void *p)
{
	if (!p)
		return;
	kvfree(p);
	atomic_dec(&vtel_dumps);
}

static int vtel_put_u64s(struct sk_buff *skb, const int *attr,
			 const u64 *val, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (nla_put_u64_64bit(skb, attr[i], val[i], VTEL_A_PAD))
			return -EMSGSIZE;
	return 0;
}

static int vtel_put_status(struct sk_buff *msg, const struct vtel_counters *c,
			   const struct vtel_totals *t, bool timings)
{
	const struct vtel_hook_probe probe = vtel_hook_probe_state();
	const int attr[] = {
		VTEL_A_VMS_EVICTED, VTEL_A_UNTRACKED_VMS,
		VTEL_A_UNTRACKED_VCPUS, VTEL_A_LAYOUT_ERRORS,
		VTEL_A_EVENTS_DROPPED, VTEL_A_GENERATION,
		VTEL_A_CGROUPS_RELEASED, VTEL_A_UNTRACKED_CGROUPS,
		VTEL_A_SEGMENT_DROPS, VTEL_A_SEGMENT_FOLDS,
		VTEL_A_DUMPS_REFUSED, VTEL_A_DESTROY_PROBE_MISSED,
		VTEL_A_REASON_UNAVAILABLE, VTEL_A_SPLIT_MISSED,
	};
	const u64 val[] = {
		c->evicted_vms, c->untracked_vms,
		c->untracked_vcpus, vtel_hook_layout_errors(),
		READ_ONCE(vtel_events_dropped), c->generation,
		c->cgroups_released, c->untracked_cgroups,
		c->seg_drops, c->seg_folds,
		atomic64_read(&vtel_dumps_refused), probe.missed,
		vtel_hook_reason_unavailable(), vtel_view_split_missed(),
	};
	const int tattr[] = {
		VTEL_A_UNTRACKED_EXITS, VTEL_A_REASON_OVERFLOW,
		VTEL_A_CGROUP_STALE_EXITS,
	};
	const u64 tval[] = {
		t->untracked_exits, t->reason_overflow,
		t->cg_stale_exits,
	};

	if (nla_put_string(msg, VTEL_A_VERSION, VTEL_VERSION) ||
	    nla_put_u8(msg, VTEL_A_ATTACHED, vtel_hook_attached()) ||
	    nla_put_string(msg, VTEL_A_VENDOR, vtel_hook_vendor()) ||
	    nla_put_u32(msg, VTEL_A_VMS_LIVE, c->vms_live) ||
	    nla_put_u32(msg, VTEL_A_VMS_RETIRED, c->vms_retired) ||
	    nla_put_u32(msg, VTEL_A_VCPUS, c->vcpus) ||
	    nla_put_u32(msg, VTEL_A_CGROUPS, c->cgroups) ||
	    nla_put_u8(msg, VTEL_A_DESTROY_PROBE_DISABLED,
		       probe.disabled) ||
	    vtel_put_u64s(msg, attr, val, ARRAY_SIZE(attr)))
		return -EMSGSIZE;
	if (timings &&
	    (vtel_put_times(msg, t) ||
	     vtel_put_u64s(msg, tattr, tval, ARRAY_SIZE(tattr))))
		return -EMSGSIZE;
	return 0;
}

/*
 * Answered from counters: no allocation but the reply, no walk. The host
 * totals are exit timings like any VM's (with one VM, that VM's): only
 * for callers with the read privilege.
 */
static int vtel_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct vtel_counters c;
	struct vtel_totals t;
	struct sk_buff *msg;
	void *hdr;

	vtel_view_host_totals(&t);
	vtel_table_counters(&c);
	msg = vtel_genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vtel_family, 0,
				VTEL_CMD_GET_STATUS);
	if (!hdr || vtel_put_status(msg, &c, &t, vtel_may_read(skb, NULL))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* A dump message's header, flagged if the tables changed mid-dump. */
static void *vtel_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
			   u8 cmd)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &vtel_family, NLM_F_MULTI,
				cmd);

	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

/* VMs by increasing id; cb->args[0] is the last id sent. */
static int vtel_nl_dump_vms(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vtel_counters c;
	struct vtel_vm *vm;
	u32 cursor = cb->args[0];
	int err = 0;

	if (!vtel_may_read(cb->skb, cb->extack))
		return -EPERM;
	vtel_table_counters(&c);
	cb->seq = c.generation;
	rcu_read_lock();
	vtel_vm_for_each(vm) {
		struct vtel_totals t = {};
		void *hdr;

		if (vm->id <= cursor)
			continue;
		hdr = vtel_dump_put(skb, cb, VTEL_CMD_GET_VMS);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		vtel_view_vm_totals(vm, &t);
		if (vtel_put_vm(skb, vm) ||
		    nla_put_u8(skb, VTEL_A_VM_STATE,
			       vm->state) ||
		    vtel_put_totals(skb, &t)) {
			genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		cursor = vm->id;
	}
	rcu_read_unlock();
	cb->args[0] = cursor;
	/* A full skb ends this round; an empty one means it cannot fit. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ? err : skb->len;
}

/* cb->args[0]: VM id, [1]: vCPUs sent so far. */
static int vtel_nl_start_vcpus(struct netlink_callback *cb)
{
	struct vtel_sel sel;
	int err;

	if (!vtel_may_read(cb->skb, cb->extack))
		return -EPERM;
	err = vtel_parse_sel(vtel_dump_attrs(cb), &sel, true, cb->extack);
	if (err)
		return err;
	cb->args[0] = sel.vm_id;
	cb->args[1] = 0;
	return 0;
}

static int vtel_nl_dump_vcpus(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vtel_counters c;
	struct vtel_vcpu *vc;
	struct vtel_vm *vm;
	unsigned long idx = 0;
	int err = 0;

	vtel_table_counters(&c);
	cb->seq = c.generation;
	rcu_read_lock();
	vtel_vm_for_each(vm) {
		if (vm->id != cb->args[0])
			continue;
		vtel_vm_for_each_vcpu(vm, vc) {
			struct vtel_totals t = {};
			void *hdr;

			if (idx++ < cb->args[1])
				continue;
			hdr = vtel_dump_put(skb, cb, VTEL_CMD_GET_VCPUS);
			if (!hdr) {
				err = -EMSGSIZE;
				break;
			}
			vtel_view_vcpu_totals(vc, &t);
			if (nla_put_u32(skb, VTEL_A_VM_ID, vm->id) ||
			    nla_put_u32(skb, VTEL_A_VCPU_ID, vc->vcpu_id) ||
			    nla_put_u32(skb, VTEL_A_TID, vc->tid) ||
			    vtel_put_totals(skb, &t)) {
				genlmsg_cancel(skb, hdr);
				err = -EMSGSIZE;
				break;
			}
			genlmsg_end(skb, hdr);
			cb->args[1]++;
		}
		break;
	}
	rcu_read_unlock();
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ? err : skb->len;
}

static int vtel_nl_get_view(struct sk_buff *skb, struct genl_info *info)
{
	struct vtel_totals t;
	struct vtel_sel sel;
	struct sk_buff *msg = NULL;
	struct vtel_vm *vm;
	void *hdr;
	int err;

	if (!vtel_may_read(skb, info->extack))
		return -EPERM;
	err = vtel_parse_sel(info->attrs, &sel, false, info->extack);
	if (err)
		return err;
	err = vtel_view_totals(&t, &sel);
	if (err) {
		vtel_set_gone_msg(info->extack, &sel);
		return err;
	}
	err = -ENOMEM;
	msg = vtel_genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	err = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &vtel_family, 0, VTEL_CMD_GET_VIEW);
	if (!hdr)
		goto out;
	if (sel.type == VTEL_SEL_VM || sel.type == VTEL_SEL_VCPU) {
		rcu_read_lock();
		vtel_vm_for_each(vm)
			if (vm->id == sel.vm_id && vtel_put_vm(msg, vm))
				goto out_unlock;
		rcu_read_unlock();
	}
	if (sel.type == VTEL_SEL_VCPU &&
	    nla_put_u32(msg, VTEL_A_VCPU_ID, sel.vcpu_id))
		goto out;
	if (sel.type == VTEL_SEL_CGROUP && vtel_put_cgroup(msg, sel.cg_id,
							   sel.cg_level))
		goto out;
	if (vtel_put_totals(msg, &t) ||
	    nla_put_u64_64bit(msg, VTEL_A_UNTRACKED_EXITS,
			      t.untracked_exits, VTEL_A_PAD) ||
	    nla_put_u64_64bit(msg, VTEL_A_REASON_OVERFLOW,
			      t.reason_overflow, VTEL_A_PAD))
		goto out;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

out_unlock:
	rcu_read_unlock();
out:
	nlmsg_free(msg);
	return err;
}

/*
 * One snapshot of the view, taken when the dump starts: its sparse sum
 * (2.3 KB a reason it has, vtel_view_sum()) and the rows to send, in dump
 * order.
 */
struct vtel_exits_dump {
	struct vtel_sum *sum;
	unsigned int n;
	bool hist;
	u16 order[];
};

static int vtel_nl_start_exits(struct netlink_callback *cb)
{
	struct nlattr **attrs = vtel_dump_attrs(cb);
	struct vtel_exits_dump *d;
	struct vtel_sum *sum;
	struct vtel_sel sel;
	int only = -1;
	int err;

	if (!vtel_may_read(cb->skb, cb->extack))
		return -EPERM;
	err = vtel_parse_sel(attrs, &sel, false, cb->extack);
	if (err)
		return err;
	if (attrs[VTEL_A_REASON]) {
		const char *name = nla_data(attrs[VTEL_A_REASON]);

		only = vtel_reason_find(name);
		if (only < 0) {
			NL_SET_ERR_MSG_ATTR(cb->extack, attrs[VTEL_A_REASON],
					    "unknown exit reason name");
			return -ENOENT;
		}
	}
	sum = vtel_view_sum(&sel, only);
	if (IS_ERR(sum)) {
		if (PTR_ERR(sum) == -ENOENT)
			vtel_set_gone_msg(cb->extack, &sel);
		return PTR_ERR(sum);
	}
	d = vtel_dump_alloc(struct_size(d, order, sum->n), cb->extack);
	if (IS_ERR(d)) {
		kvfree(sum);
		return PTR_ERR(d);
	}
	d->sum = sum;
	d->n = vtel_view_order(sum, d->order);
	d->hist = attrs[VTEL_A_FLAGS] &&
		  (nla_get_u32(attrs[VTEL_A_FLAGS]) & VTEL_F_HIST);
	/* A reason with every bucket non-empty is an 8 KiB message. */
	if (d->hist)
		cb->min_dump_alloc = max_t(u32, cb->min_dump_alloc, SZ_16K);
	cb->args[0] = (unsigned long)d;
	cb->args[1] = 0;
	return 0;
}

static int vtel_nl_done_exits(struct netlink_callback *cb)
{
	struct vtel_exits_dump *d = (void *)cb->args[0];

	if (d)
		kvfree(d->sum);
	vtel_dump_free(d);
	return 0;
}

/* Frees the snapshot a dump's start made (cgroups and addrs dumps). */
static int vtel_nl_done_snapshot(struct netlink_callback *cb)
{
	vtel_dump_free((void *)cb->args[0]);
	return 0;
}

static int vtel_put_hist(struct sk_buff *skb, const struct vtel_stats *s)
{
	struct nlattr *hist, *b;
	unsigned int i;

	hist = nla_nest_start(skb, VTEL_A_HIST);
	if (!hist)
		return -EMSGSIZE;
	for (i = 0; i < VTEL_HIST_BUCKETS; i++) {
		if (!s->hist[i])
			continue;
		b = nla_nest_start(skb, VTEL_A_HIST_BUCKET);
		if (!b ||
		    nla_put_u64_64bit(skb, VTEL_A_BUCKET_LE,
				      vtel_hist_bucket_le(i),
				      VTEL_A_BUCKET_PAD) ||
		    nla_put_u64_64bit(skb, VTEL_A_BUCKET_COUNT, s->hist[i],
				      VTEL_A_BUCKET_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, b);
	}
	nla_nest_end(skb, hist);
	return 0;
}

static int vtel_put_reason(struct sk_buff *skb, unsigned int r,
			   const struct vtel_stats *s, bool hist)
{
	static const unsigned int pct[] = { 5000, 9000, 9900, 9990 };
	static const int pct_attr[] = { VTEL_A_P50_NS, VTEL_A_P90_NS,
					VTEL_A_P99_NS, VTEL_A_P999_NS };
	u64 pv[ARRAY_SIZE(pct)];
	struct vtel_times tm;
	unsigned int i;

	vtel_times_make(&tm, 0, s->total_ns, &s->split);
	if (nla_put_string(skb, VTEL_A_REASON, vtel_reason_name(r)) ||
	    nla_put_u32(skb, VTEL_A_REASON_CODE, vtel_reason_code(r)) ||
	    nla_put_u8(skb, VTEL_A_ISA, vtel_reason_isa(r)) ||
	    nla_put_string(skb, VTEL_A_CATEGORY,
			   vtel_category_name(vtel_reason_category(r))) ||
	    nla_put_u64_64bit(skb, VTEL_A_COUNT, s->count, VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_TIMED, s->timed, VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_TOTAL_NS, s->total_ns, VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_MIN_NS, s->timed ? s->min_ns : 0,
			      VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_MAX_NS, s->max_ns, VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_UNBINNED, s->unbinned, VTEL_A_PAD) ||
	    vtel_put_split(skb, &tm))
		return -EMSGSIZE;
	vtel_stats_percentiles(s, pct, pv, ARRAY_SIZE(pct));
	for (i = 0; i < ARRAY_SIZE(pct); i++)
		if (nla_put_u64_64bit(skb, pct_attr[i], pv[i], VTEL_A_PAD))
			return -EMSGSIZE;
	return hist ? vtel_put_hist(skb, s) : 0;
}

static int vtel_nl_dump_exits(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vtel_exits_dump *d = (void *)cb->args[0];

	while (cb->args[1] < d->n) {
		const struct vtel_sum_row *e = &d->sum->row[d->order[cb->args[1]]];
		void *hdr;

		/* cb->seq stays 0: the exits dump is one snapshot. */
		hdr = vtel_dump_put(skb, cb, VTEL_CMD_GET_EXITS);
		if (!hdr)
			break;
		if (vtel_put_reason(skb, e->reason, &e->s, d->hist)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[1]++;
	}
	if (cb->args[1] < d->n && !skb->len)
		return -EMSGSIZE;
	return skb->len;
}

/*
 * The cgroups dump: tracked cgroups and their ancestors, by id, with
 * their totals as the dump starts.
 */
struct vtel_cg_dump {
	u32 n;
	struct vtel_cg_row rows[];
};

static int vtel_nl_start_cgroups(struct netlink_callback *cb)
{
	u32 n, max = vtel_view_cg_ids_max();
	struct vtel_cg_dump *d;
	struct vtel_cg_ent *e;

	if (!vtel_may_read(cb->skb, cb->extack))
		return -EPERM;
	e = vtel_kvzalloc(array_size(max, sizeof(*e)), GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	n = vtel_view_cg_ids(e, max);
	d = vtel_dump_alloc(struct_size(d, rows, n), cb->extack);
	if (!IS_ERR(d)) {
		d->n = n;
		vtel_view_cg_rows(d->rows, e, n);
	}
	kvfree(e);
	if (IS_ERR(d))
		return PTR_ERR(d);
	cb->args[0] = (unsigned long)d;
	cb->args[1] = 0;
	return 0;
}

static int vtel_put_rollup(struct sk_buff *skb, const struct vtel_totals *t)
{
	struct nlattr *nest = nla_nest_start(skb, VTEL_A_ROLLUP);

	if (!nest || vtel_put_times(skb, t))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int vtel_nl_dump_cgroups(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct vtel_cg_dump *d = (void *)cb->args[0];
	struct vtel_counters c;

	vtel_table_counters(&c);
	cb->seq = c.generation;
	while (cb->args[1] < d->n) {
		const struct vtel_cg_row *r = &d->rows[cb->args[1]];
		void *hdr;

		hdr = vtel_dump_put(skb, cb, VTEL_CMD_GET_CGROUPS);
		if (!hdr)
			break;
		if (vtel_put_cgroup(skb, r->e.id, r->e.level) ||
		    vtel_put_times(skb, &r->own) ||
		    vtel_put_rollup(skb, &r->all)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[1]++;
	}
	if (cb->args[1] < d->n && !skb->len)
		return -EMSGSIZE;
	return skb->len;
}

/* The ports and MMIO pages of a VM or vCPU, summed when the dump starts. */
static int vtel_nl_start_addrs(struct netlink_callback *cb)
{
	struct nlattr **attrs = vtel_dump_attrs(cb);
	struct vtel_addr_view *v;
	struct vtel_sel sel;
	int err;

	if (!vtel_may_read(cb->skb, cb->extack))
		return -EPERM;
	err = vtel_parse_sel(attrs, &sel, true, cb->extack);
	if (err)
		return err;
	v = vtel_kvzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	err = vtel_view_addrs(v, sel.vm_id, sel.type == VTEL_SEL_VCPU ?
			      (s64)sel.vcpu_id : -1);
	if (err) {
		kvfree(v);
		vtel_set_gone_msg(cb->extack, &sel);
		return err;
	}
	cb->args[0] = (unsigned long)v;
	cb->args[1] = 0;
	cb->args[2] = sel.vm_id;
	return 0;
}

static int vtel_put_addr(struct sk_buff *skb, u32 vm_id,
			 const struct vtel_addr_ent *e, bool other)
{
	struct vtel_times tm;

	vtel_times_make(&tm, 0, e->ns, &e->split);
	if (nla_put_u32(skb, VTEL_A_VM_ID, vm_id) ||
	    nla_put_u8(skb, VTEL_A_ADDR_KIND, other ? VTEL_ADDR_OTHER :
		       vtel_addr_kind(e->key)) ||
	    (!other && nla_put_u64_64bit(skb, VTEL_A_ADDR,
					 vtel_addr_of(e->key), VTEL_A_PAD)) ||
	    nla_put_u64_64bit(skb, VTEL_A_COUNT, e->count, VTEL_A_PAD) ||
	    nla_put_u64_64bit(skb, VTEL_A_TOTAL_NS, e->ns, VTEL_A_PAD) ||
	    vtel_put_split(skb, &tm))
		return -EMSGSIZE;
	return 0;
}

/* Rows by decreasing count, then the other row if it is not empty. */
static int vtel_nl_dump_addrs(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct vtel_addr_view *v = (void *)cb->args[0];
	u32 n = v->nr + (v->other.count ? 1 : 0);

	while (cb->args[1] < n) {
		bool other = cb->args[1] == v->nr;
		void *hdr;

		hdr = vtel_dump_put(skb, cb, VTEL_CMD_GET_ADDRS);
		if (!hdr)
			break;
		if (vtel_put_addr(skb, cb->args[2],
				  other ? &v->other : &v->e[cb->args[1]],
				  other)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[1]++;
	}
	if (cb->args[1] < n && !skb->len)
		return -EMSGSIZE;
	return skb->len;
}

static int vtel_nl_reset(struct sk_buff *skb, struct genl_info *info)
{
	vtel_view_reset();
	return 0;
}

/* Room for the configuration with an override for every reason. */
static size_t vtel_nl_config_size(void)
{
	size_t one = nla_total_size(0) +
		     nla_total_size(VTEL_REASON_NAME_LEN) +
		     nla_total_size_64bit(sizeof(u64));

	return NLMSG_DEFAULT_SIZE + vtel_reason_count() * one;
}

/* One VTEL_C_SLOW_OVERRIDE per reason with a threshold of its own. */
static int vtel_nl_put_slow_overrides(struct sk_buff *msg)
{
	unsigned int r, n = vtel_reason_count();
	struct nlattr *nest;
	u64 ns;

	for (r = 0; r < n; r++) {
		if (!vtel_slow_reason_override(r, &ns))
			continue;
		nest = nla_nest_start(msg, VTEL_C_SLOW_OVERRIDE);
		if (!nest ||
		    nla_put_string(msg, VTEL_S_REASON, vtel_reason_name(r)) ||
		    nla_put_u64_64bit(msg, VTEL_S_NS, ns, VTEL_S_PAD))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

/*
 * The VTEL_C_SLOW_OVERRIDE entries of a SET_CONFIG nest (validated by the
 * policy): checked first (@apply false), so that an unknown reason changes
 * nothing, then applied.
 */
static int vtel_nl_slow_overrides(const struct nlattr *config, bool apply,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTEL_S_MAX + 1];
	const struct nlattr *a;
	int rem, reason, err;

	nla_for_each_nested(a, config, rem) {
		if (nla_type(a) != VTEL_C_SLOW_OVERRIDE)
			continue;
		err = nla_parse_nested(tb, VTEL_S_MAX, a, vtel_slow_policy,
				       extack);
		if (err)
			return err;
		if (!tb[VTEL_S_REASON]) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "VTEL_S_REASON is required");
			return -EINVAL;
		}
		reason = vtel_reason_find(nla_data(tb[VTEL_S_REASON]));
		if (reason < 0) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VTEL_S_REASON],
					    "unknown exit reason name");
			return -ENOENT;
		}
		if (!apply)
			continue;
		if (!tb[VTEL_S_NS]) {
			vtel_slow_clear_reason(reason);
			continue;
		}
		err = vtel_slow_set_reason(reason, nla_get_u64(tb[VTEL_S_NS]));
		if (err)
			return err;
	}
	return 0;
}

static int vtel_nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	const struct vtel_limits *lim = vtel_table_limits();
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = vtel_genlmsg_new(vtel_nl_config_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vtel_family, 0,
				VTEL_CMD_GET_CONFIG);
	if (!hdr)
		goto err;
	nest = nla_nest_start(msg, VTEL_A_CONFIG);
	if (!nest ||
	    nla_put_u64_64bit(msg, VTEL_C_SLOW_NS, vtel_slow_global(),
			      VTEL_C_PAD) ||
	    nla_put_u64_64bit(msg, VTEL_C_SLOW_IDLE_NS, vtel_slow_idle(),
			      VTEL_C_PAD) ||
	    vtel_nl_put_slow_overrides(msg) ||
	    nla_put_u32(msg, VTEL_C_EVENT_RATE, READ_ONCE(vtel_event_rate)) ||
	    nla_put_u8(msg, VTEL_C_UNPRIVILEGED_READ, unprivileged_read) ||
	    nla_put_u32(msg, VTEL_C_MAX_VMS, lim->max_vms) ||
	    nla_put_u32(msg, VTEL_C_MAX_VCPUS, lim->max_vcpus) ||
	    nla_put_u32(msg, VTEL_C_RETIRED_VMS, lim->retired_vms) ||
	    nla_put_u32(msg, VTEL_C_RETIRED_SECS, lim->retired_secs) ||
	    nla_put_u32(msg, VTEL_C_MAX_ADDRS, lim->max_addrs))
		goto err;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int vtel_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VTEL_C_MAX + 1];
	int err;

	if (!info->attrs[VTEL_A_CONFIG]) {
		NL_SET_ERR_MSG(info->extack, "VTEL_A_CONFIG is required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, VTEL_C_MAX, info->attrs[VTEL_A_CONFIG],
			       vtel_config_policy, info->extack);
	if (err)
		return err;
	err = vtel_nl_slow_overrides(info->attrs[VTEL_A_CONFIG], false,
				     info->extack);
	if (err)
		return err;
	if (tb[VTEL_C_SLOW_NS])
		vtel_slow_set_global(nla_get_u64(tb[VTEL_C_SLOW_NS]));
	if (tb[VTEL_C_SLOW_IDLE_NS])
		vtel_slow_set_idle(nla_get_u64(tb[VTEL_C_SLOW_IDLE_NS]));
	vtel_nl_slow_overrides(info->attrs[VTEL_A_CONFIG], true, NULL);
	if (tb[VTEL_C_EVENT_RATE])
		WRITE_ONCE(vtel_event_rate, nla_get_u32(tb[VTEL_C_EVENT_RATE]));
	return 0;
}

static const struct genl_ops vtel_ops[] = {
	{
		.cmd = VTEL_CMD_GET_STATUS,
		.doit = vtel_nl_get_status,
	}, {
		.cmd = VTEL_CMD_GET_VMS,
		.dumpit = vtel_nl_dump_vms,
	}, {
		.cmd = VTEL_CMD_GET_VCPUS,
		.start = vtel_nl_start_vcpus,
		.dumpit = vtel_nl_dump_vcpus,
		.policy = vtel_vcpus_policy,
		.maxattr = VTEL_A_MAX,
	}, {
		.cmd = VTEL_CMD_GET_VIEW,
		.doit = vtel_nl_get_view,
		.policy = vtel_view_policy,
		.maxattr = VTEL_A_MAX,
	}, {
		.cmd = VTEL_CMD_GET_EXITS,
		.start = vtel_nl_start_exits,
		.dumpit = vtel_nl_dump_exits,
		.done = vtel_nl_done_exits,
		.policy = vtel_sel_policy,
		.maxattr = VTEL_A_MAX,
	}, {
		.cmd = VTEL_CMD_GET_CGROUPS,
		.start = vtel_nl_start_cgroups,
		.dumpit = vtel_nl_dump_cgroups,
		.done = vtel_nl_done_snapshot,
	}, {
		.cmd = VTEL_CMD_GET_ADDRS,
		.start = vtel_nl_start_addrs,
		.dumpit = vtel_nl_dump_addrs,
		.done = vtel_nl_done_snapshot,
		.policy = vtel_addrs_policy,
		.maxattr = VTEL_A_MAX,
	}, {
		.cmd = VTEL_CMD_RESET,
		.doit = vtel_nl_reset,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VTEL_CMD_GET_CONFIG,
		.doit = vtel_nl_get_config,
	}, {
		.cmd = VTEL_CMD_SET_CONFIG,
		.doit = vtel_nl_set_config,
		.policy = vtel_set_config_policy,
		.maxattr = VTEL_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group vtel_mcgrps[] = {
	/* Stop events carry a VM's timings: not for everyone. */
	{ .name = VTEL_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

static struct genl_family vtel_family __ro_after_init = {
	.name = VTEL_GENL_NAME,
	.version = VTEL_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = vtel_ops,
	.n_ops = ARRAY_SIZE(vtel_ops),
	.resv_start_op = VTEL_CMD_GET_STATUS,
	.mcgrps = vtel_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vtel_mcgrps),
	.netnsok = false,
};

/* Token bucket of vtel_event_rate events a second, worker context only. */
static bool vtel_event_allowed(void)
{
	if (time_after(jiffies, vtel_event_window + HZ)) {
		vtel_event_window = jiffies;
		vtel_events_in_window = 0;
	}
	if (vtel_events_in_window >= READ_ONCE(vtel_event_rate)) {
		WRITE_ONCE(vtel_events_dropped, vtel_events_dropped + 1);
		return false;
	}
	vtel_events_in_window++;
	return true;
}

static void vtel_send_event(const struct vtel_vm *vm, enum vtel_event ev)
{
	struct vtel_totals t = {};
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&vtel_family, &init_net, 0))
		return;
	if (!vtel_event_allowed())
		return;
	msg = vtel_genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		goto drop;
	hdr = genlmsg_put(msg, 0, 0, &vtel_family, 0, VTEL_CMD_VM_EVENT);
	if (!hdr)
		goto free;
	rcu_read_lock();
	vtel_view_vm_totals(vm, &t);
	rcu_read_unlock();
	if (nla_put_u8(msg, VTEL_A_EVENT, ev) || vtel_put_vm(msg, vm) ||
	    (ev == VTEL_EVENT_VM_STOP && vtel_put_totals(msg, &t)))
		goto free;
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&vtel_family, msg, 0, 0, GFP_KERNEL);
	return;
free:
	nlmsg_free(msg);
drop:
	WRITE_ONCE(vtel_events_dropped, vtel_events_dropped + 1);
}

/* From the worker (vtel_worker.c), the only context that frees VM records. */
void vtel_netlink_sync(void)
{
	struct vtel_vm *vm;

	list_for_each_entry_rcu(vm, &vtel_table.vms, node, true) {
		if (!vm->announced_start) {
			vm->announced_start = true;
			vtel_send_event(vm, VTEL_EVENT_VM_START);
		}
		if (vm->state == VTEL_VM_STATE_RETIRED && !vm->announced_stop) {
			vm->announced_stop = true;
			vtel_send_event(vm, VTEL_EVENT_VM_STOP);
		}
	}
}

int vtel_netlink_init(void)
{
	return genl_register_family(&vtel_family);
}

void vtel_netlink_exit(void)
{
	genl_unregister_family(&vtel_family);
}

MODULE_ALIAS_GENL_FAMILY(VTEL_GENL_NAME);
