// SPDX-License-Identifier: GPL-2.0
/*
 * Human-readable views under /sys/kernel/debug/vtel/. The format is
 * documented in Documentation/debugfs.rst; netlink is the stable ABI.
 *
 * Per-VM directories are created and removed by the worker
 * (vtel_debugfs_sync). Files hold VM and vCPU ids, never record pointers:
 * every read looks the VM up again, so a file may outlive its VM safely.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/cpumask.h>
#include <linux/capability.h>

#include "vtel_alloc.h"
#include "vtel_cg.h"
#include "vtel_cgroup.h"
#include "vtel_debugfs.h"
#include "vtel_hook.h"
#include "vtel_table.h"
#include "vtel_view.h"
#include "vtel_vm.h"

struct vtel_dbg_vcpu {
	struct list_head node;
	u32 vm_id;
	u32 vcpu_id;
};

struct vtel_dbg_vm {
	struct list_head node;
	u32 vm_id;
	bool seen;
	struct dentry *dir;
	struct list_head vcpus;
};

/* A cgroup's directory: its own view and its rollup. */
struct vtel_dbg_cg;

struct vtel_dbg_cgview {
	struct vtel_dbg_cg *cg;
	bool rollup;
};

struct vtel_dbg_cg {
	struct list_head node;
	u64 id;
	u32 level;
	bool seen;
	struct dentry *dir;
	struct vtel_dbg_cgview own, all;
};

static struct dentry *vtel_dbg_root, *vtel_dbg_vmdir, *vtel_dbg_cgdir;
static LIST_HEAD(vtel_dbg_vms);
static LIST_HEAD(vtel_dbg_cgs);
static DEFINE_MUTEX(vtel_dbg_mutex);

enum vtel_view { VTEL_VIEW_HOST, VTEL_VIEW_VM, VTEL_VIEW_VCPU,
		 VTEL_VIEW_CGROUP };

static void vtel_seq_comm(struct seq_file *m, const char *comm)
{
	char buf[TASK_COMM_LEN];
	unsigned int i;

	strscpy(buf, comm, sizeof(buf));
	for (i = 0; buf[i]; i++)
		if (buf[i] <= ' ' || buf[i] > '~')
			buf[i] = '_';
	seq_puts(m, buf[0] ? buf : "-");
}

#define VTEL_SPLIT_COLS "kvm_ns vmm_ns wait_ns idle_ns poll_ns"

/* The time split columns, after a space: kvm vmm wait idle poll. */
static void vtel_seq_split(struct seq_file *m, u64 guest_ns, u64 handling_ns,
			   const struct vtel_split *s, struct vtel_times *tm)
{
	vtel_times_make(tm, guest_ns, handling_ns, s);
	seq_printf(m, " %llu %llu %llu %llu %llu", tm->kvm_ns, tm->vmm_ns,
		   tm->wait_ns, tm->idle_ns, tm->poll_ns);
}

static void vtel_seq_exits(struct seq_file *m, const struct vtel_sum *a)
{
	static const unsigned int pct[] = { 5000, 9900 };
	u16 order[VTEL_MAX_REASONS];
	unsigned int i, n = vtel_view_order(a, order);
	struct vtel_times tm;

	seq_puts(m, "# reason count total_ns min_ns max_ns p50_ns p99_ns "
		 VTEL_SPLIT_COLS "\n");
	for (i = 0; i < n; i++) {
		const struct vtel_stats *s = &a->row[order[i]].s;
		u64 pv[ARRAY_SIZE(pct)];

		vtel_stats_percentiles(s, pct, pv, ARRAY_SIZE(pct));
		seq_printf(m, "%s %llu %llu %llu %llu %llu %llu",
			   vtel_reason_name(a->row[order[i]].reason),
			   s->count, s->total_ns,
			   s->timed ? s->min_ns : 0, s->max_ns, pv[0], pv[1]);
		vtel_seq_split(m, 0, s->total_ns, &s->split, &tm);
		seq_putc(m, '\n');
	}
	/* Per-VM views only: the host view files these under their reason. */
	if (a->t.reason_overflow)
		seq_printf(m, "overflow %llu 0 0 0 0 0 0 0 0 0 0\n",
			   a->t.reason_overflow);
}

static void vtel_seq_categories(struct seq_file *m, const struct vtel_sum *a)
{
	u64 count[VTEL_NR_CATEGORIES] = {}, ns[VTEL_NR_CATEGORIES] = {};
	struct vtel_split split[VTEL_NR_CATEGORIES] = {};
	struct vtel_times view, tm;
	unsigned int i;

	for (i = 0; i < a->n; i++) {
		const struct vtel_stats *s = &a->row[i].s;
		enum vtel_category c = vtel_reason_category(a->row[i].reason);

		count[c] += s->count;
		ns[c] += s->total_ns;
		vtel_split_add(&split[c], &s->split);
	}
	vtel_times_make(&view, a->t.guest_ns, a->t.handling_ns, &a->t.split);
	/*
	 * overhead_share_ppm: the category's kvm + vmm over the view's
	 * guest + kvm + vmm, so the shares add up to overhead_ppm.
	 */
	seq_puts(m, "# category count handling_ns handling_share_ppm "
		 VTEL_SPLIT_COLS " overhead_share_ppm\n");
	for (i = 0; i < VTEL_NR_CATEGORIES; i++) {
		seq_printf(m, "%s %llu %llu %u", vtel_category_name(i),
			   count[i], ns[i],
			   vtel_share_ppm(ns[i], a->t.handling_ns,
					  a->t.guest_ns));
		vtel_seq_split(m, 0, ns[i], &split[i], &tm);
		seq_printf(m, " %u\n",
			   vtel_times_share_ppm(tm.kvm_ns + tm.vmm_ns, &view));
	}
}

/* i_private: NULL for the host, a vtel_dbg_vm or a vtel_dbg_vcpu. */
static void vtel_sel_for(struct seq_file *m, struct vtel_sel *sel)
{
	enum vtel_view view = (unsigned long)m->private & 3;
	void *priv = (void *)((unsigned long)m->private & ~3UL);

	memset(sel, 0, sizeof(*sel));
	switch (view) {
	case VTEL_VIEW_VM:
		sel->type = VTEL_SEL_VM;
		sel->vm_id = ((struct vtel_dbg_vm *)priv)->vm_id;
		break;
	case VTEL_VIEW_VCPU: {
		struct vtel_dbg_vcpu *v = priv;

		sel->type = VTEL_SEL_VCPU;
		sel->vm_id = v->vm_id;
		sel->vcpu_id = v->vcpu_id;
		break;
	}
	case VTEL_VIEW_CGROUP: {
		struct vtel_dbg_cgview *cv = priv;

		sel->type = VTEL_SEL_CGROUP;
		sel->cg_id = cv->cg->id;
		sel->cg_level = cv->cg->level;
		sel->cg_own = !cv->rollup;
		break;
	}
	default:
		sel->type = VTEL_SEL_HOST;
	}
}

/* Sum the file's view and print it with @show. */
static int vtel_show_view(struct seq_file *m,
			  void (*show)(struct seq_file *m,
				       const struct vtel_sum *a))
{
	struct vtel_sum *a;
	struct vtel_sel sel;

	vtel_sel_for(m, &sel);
	a = vtel_view_sum(&sel, -1);
	if (IS_ERR(a))
		return PTR_ERR(a);
	show(m, a);
	kvfree(a);
	return 0;
}

static int vtel_exits_show(struct seq_file *m, void *v)
{
	return vtel_show_view(m, vtel_seq_exits);
}
DEFINE_SHOW_ATTRIBUTE(vtel_exits);

static int vtel_categories_show(struct seq_file *m, void *v)
{
	return vtel_show_view(m, vtel_seq_categories);
}
DEFINE_SHOW_ATTRIBUTE(vtel_categories);

static int vtel_summary_show(struct seq_file *m, void *v)
{
	const struct vtel_hook_probe probe = vtel_hook_probe_state();
	struct vtel_counters c;
	struct vtel_totals t;
	struct vtel_times tm;
	struct vtel_memory mem;

	vtel_view_host_totals(&t);
	vtel_times_make(&tm, t.guest_ns, t.handling_ns, &t.split);
	vtel_table_counters(&c);
	vtel_table_memory(&mem);
	seq_printf(m, "version %s\n", VTEL_VERSION);
	seq_printf(m, "attached %d\n", vtel_hook_attached());
	seq_printf(m, "vendor %s\n", vtel_hook_vendor());
	seq_printf(m, "vms_live %u\n", c.vms_live);
	seq_printf(m, "vms_retired %u\n", c.vms_retired);
	seq_printf(m, "vms_evicted %llu\n", c.evicted_vms);
	seq_printf(m, "vcpus %u\n", c.vcpus);
	seq_printf(m, "exits %llu\n", t.exits);
	seq_printf(m, "handling_ns %llu\n", t.handling_ns);
	seq_printf(m, "guest_ns %llu\n", t.guest_ns);
	seq_printf(m, "overhead_ppm %u\n", vtel_times_overhead_ppm(&tm));
	seq_printf(m, "slow_exits %llu\n", t.slow_exits);
	seq_printf(m, "untracked_vms %llu\n", c.untracked_vms);
	seq_printf(m, "untracked_vcpus %llu\n", c.untracked_vcpus);
	seq_printf(m, "untracked_exits %llu\n", t.untracked_exits);
	seq_printf(m, "reason_overflow %llu\n", t.reason_overflow);
	seq_printf(m, "reason_unavailable %llu\n",
		   vtel_hook_reason_unavailable());
	seq_printf(m, "cgroups %u\n", c.cgroups);
	seq_printf(m, "cgroups_released %llu\n", c.cgroups_released);
	seq_printf(m, "untracked_cgroups %llu\n", c.untracked_cgroups);
	seq_printf(m, "segments %u\n", c.segs);
	seq_printf(m, "segment_drops %llu\n", c.seg_drops);
	seq_printf(m, "segment_folds %llu\n", c.seg_folds);
	seq_printf(m, "cgroup_stale_exits %llu\n", t.cg_stale_exits);
	seq_printf(m, "layout_errors %llu\n", vtel_hook_layout_errors());
	seq_printf(m, "destroy_probe_disabled %d\n", probe.disabled);
	seq_printf(m, "destroy_probe_missed %lu\n", probe.missed);
	seq_printf(m, "generation %llu\n", c.generation);
	seq_printf(m, "kvm_ns %llu\n", tm.kvm_ns);
	seq_printf(m, "vmm_ns %llu\n", tm.vmm_ns);
	seq_printf(m, "wait_ns %llu\n", tm.wait_ns);
	seq_printf(m, "idle_ns %llu\n", tm.idle_ns);
	seq_printf(m, "poll_ns %llu\n", tm.poll_ns);
	seq_printf(m, "wait_ppm %u\n", vtel_times_wait_ppm(&tm));
	seq_printf(m, "split_missed %llu\n", vtel_view_split_missed());
	seq_printf(m, "mem_vm_record %zu\n", mem.vm);
	seq_printf(m, "mem_vcpu_record %zu\n", mem.vcpu);
	seq_printf(m, "mem_seg_record %zu\n", mem.seg);
	seq_printf(m, "mem_cg_record %zu\n", mem.cg);
	seq_printf(m, "mem_pcpu %zu\n", mem.pcpu);
	seq_printf(m, "mem_fixed %zu\n", mem.fixed);
	seq_printf(m, "mem_total %llu\n", mem.total);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vtel_summary);

static int vtel_vms_show(struct seq_file *m, void *v)
{
	struct vtel_sel sel = { .type = VTEL_SEL_VM };
	struct vtel_totals t;
	struct vtel_times tm;
	struct vtel_vm *vm;
	u32 id = 0;

	seq_puts(m, "# vm pid comm state vcpus exits handling_ns guest_ns overhead_ppm dir "
		 VTEL_SPLIT_COLS " wait_ppm\n");
	/* Walk by increasing id so the list can be printed without RCU. */
	for (;;) {
		char comm[TASK_COMM_LEN], dir[VTEL_DIR_LEN];
		enum vtel_vm_state state;
		u32 next = 0;
		pid_t pid = 0;

		rcu_read_lock();
		vtel_vm_for_each(vm) {
			if (vm->id > id && (!next || vm->id < next)) {
				next = vm->id;
				pid = vm->pid;
				state = vm->state;
				memcpy(comm, vm->comm, sizeof(comm));
				memcpy(dir, vm->dir, sizeof(dir));
			}
		}
		rcu_read_unlock();
		if (!next)
			break;
		id = next;
		sel.vm_id = id;
		if (vtel_view_totals(&t, &sel))
			continue;
		seq_printf(m, "%u %d ", id, pid);
		vtel_seq_comm(m, comm);
		vtel_times_make(&tm, t.guest_ns, t.handling_ns, &t.split);
		seq_printf(m, " %s %u %llu %llu %llu %u %s",
			   state == VTEL_VM_STATE_LIVE ? "live" : "retired",
			   t.nr_vcpus, t.exits, t.handling_ns, t.guest_ns,
			   vtel_times_overhead_ppm(&tm), dir);
		vtel_seq_split(m, t.guest_ns, t.handling_ns, &t.split, &tm);
		seq_printf(m, " %u\n", vtel_times_wait_ppm(&tm));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vtel_vms);

static int vtel_vcpus_show(struct seq_file *m, void *v)
{
	struct vtel_dbg_vm *dvm = m->private;
	struct vtel_vcpu *vc;
	struct vtel_vm *vm;

	seq_puts(m, "# vcpu tid exits handling_ns guest_ns " VTEL_SPLIT_COLS "\n");
	rcu_read_lock();
	vtel_vm_for_each(vm) {
		if (vm->id != dvm->vm_id)
			continue;
		vtel_vm_for_each_vcpu(vm, vc) {
			struct vtel_totals t = {};
			struct vtel_times tm;

			vtel_view_vcpu_totals(vc, &t);
			seq_printf(m, "%u %d %llu %llu %llu", vc->vcpu_id,
				   vc->tid, t.exits, t.handling_ns, t.guest_ns);
			vtel_seq_split(m, t.guest_ns, t.handling_ns, &t.split,
				       &tm);
			seq_putc(m, '\n');
		}
		break;
	}
	rcu_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vtel_vcpus);

static const char *const vtel_addr_kind_names[] = {
	[VTEL_ADDR_PIO_IN] = "in", [VTEL_ADDR_PIO_OUT] = "out",
	[VTEL_ADDR_MMIO_READ] = "read", [VTEL_ADDR_MMIO_WRITE] = "write",
	[VTEL_ADDR_MMIO] = "access", [VTEL_ADDR_OTHER] = "other",
};

/* count total_ns, then the split columns */
static void vtel_addr_row_show(struct seq_file *m,
			       const struct vtel_addr_ent *e)
{
	struct vtel_times tm;

	seq_printf(m, "%llu %llu", e->count, e->ns);
	vtel_seq_split(m, 0, e->ns, &e->split, &tm);
	seq_putc(m, '\n');
}

/* A VM's ports and MMIO pages, as GET_ADDRS: by count, then other. */
static int vtel_addrs_show(struct seq_file *m, void *v)
{
	struct vtel_dbg_vm *dvm = m->private;
	struct vtel_addr_view *av = vtel_kvmalloc(sizeof(*av), GFP_KERNEL);
	unsigned int i, k;
	int err;

	if (!av)
		return -ENOMEM;
	err = vtel_view_addrs(av, dvm->vm_id, -1);
	if (!err) {
		seq_puts(m, "# access addr count total_ns " VTEL_SPLIT_COLS "\n");
		for (i = 0; i < av->nr; i++) {
			k = vtel_addr_kind(av->e[i].key);
			seq_printf(m, "%s %#llx ",
				   k < ARRAY_SIZE(vtel_addr_kind_names) &&
				   vtel_addr_kind_names[k] ?
				   vtel_addr_kind_names[k] : "?",
				   vtel_addr_of(av->e[i].key));
			vtel_addr_row_show(m, &av->e[i]);
		}
		seq_puts(m, "other - ");
		vtel_addr_row_show(m, &av->other);
	}
	kvfree(av);
	return err;
}
DEFINE_SHOW_ATTRIBUTE(vtel_addrs);

static int vtel_cpus_show(struct seq_file *m, void *v)
{
	int cpu;

	seq_puts(m, "# cpu exits handling_ns guest_ns " VTEL_SPLIT_COLS "\n");
	for_each_possible_cpu(cpu) {
		const struct vtel_pcpu *pc = per_cpu_ptr(vtel_table.pcpu, cpu);
		u64 exits = 0, handling_ns = 0, guest_ns = 0;
		struct vtel_split s = {};
		struct vtel_times tm;

		if (READ_ONCE(pc->reset_gen) == READ_ONCE(vtel_table.reset_gen)) {
			exits = READ_ONCE(pc->exits);
			handling_ns = READ_ONCE(pc->handling_ns);
			guest_ns = READ_ONCE(pc->guest_ns);
			s.vmm_ns = READ_ONCE(pc->split.vmm_ns);
			s.wait_ns = READ_ONCE(pc->split.wait_ns);
			s.idle_ns = READ_ONCE(pc->split.idle_ns);
			s.poll_ns = READ_ONCE(pc->split.poll_ns);
		}
		if (!cpu_online(cpu) && !exits)
			continue;
		seq_printf(m, "%d %llu %llu %llu", cpu, exits, handling_ns,
			   guest_ns);
		vtel_seq_split(m, guest_ns, handling_ns, &s, &tm);
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vtel_cpus);

static int vtel_cgroups_show(struct seq_file *m, void *v)
{
	u32 i, n, max = vtel_view_cg_ids_max();
	struct vtel_cg_ent *e = kvmalloc_array(max, sizeof(*e), GFP_KERNEL);
	char *path = vtel_kmalloc(PATH_MAX, GFP_KERNEL);
	struct vtel_cg_row *rows = NULL;

	if (e && path) {
		n = vtel_view_cg_ids(e, max);
		rows = kvmalloc_array(n, sizeof(*rows), GFP_KERNEL);
	}
	if (!rows) {
		kvfree(e);
		kfree(path);
		return -ENOMEM;
	}
	vtel_view_cg_rows(rows, e, n);
	kvfree(e);
	seq_puts(m, "# cgroup_id exits handling_ns guest_ns overhead_ppm rollup_exits rollup_handling_ns rollup_guest_ns path "
		 VTEL_SPLIT_COLS);
	seq_puts(m, " rollup_kvm_ns rollup_vmm_ns rollup_wait_ns rollup_idle_ns rollup_poll_ns rollup_overhead_ppm\n");
	for (i = 0; i < n; i++) {
		const struct vtel_totals *own = &rows[i].own, *all = &rows[i].all;
		struct vtel_times tm;

		if (vtel_cgroup_path(rows[i].e.id, path, PATH_MAX))
			strscpy(path, "(removed)", PATH_MAX);
		vtel_times_make(&tm, own->guest_ns, own->handling_ns, &own->split);
		seq_printf(m, "%llu %llu %llu %llu %u %llu %llu %llu %s",
			   rows[i].e.id, own->exits, own->handling_ns,
			   own->guest_ns, vtel_times_overhead_ppm(&tm),
			   all->exits, all->handling_ns, all->guest_ns, path);
		/* The cgroup's own split, as its other unprefixed columns. */
		vtel_seq_split(m, own->guest_ns, own->handling_ns, &own->split,
			       &tm);
		/* ... then that of the cgroup and its descendants. */
		vtel_seq_split(m, all->guest_ns, all->handling_ns, &all->split,
			       &tm);
		seq_printf(m, " %u\n", vtel_times_overhead_ppm(&tm));
	}
	kfree(path);
	kvfree(rows);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vtel_cgroups);

static ssize_t vtel_reset_write(struct file *file, const char __user *buf,
				size_t count, loff_t *ppos)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	vtel_view_reset();
	return count;
}

static const struct file_operations vtel_reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = vtel_reset_write,
	.llseek = noop_llseek,
};

static void vtel_dbg_vm_free(struct vtel_dbg_vm *dvm)
{
	struct vtel_dbg_vcpu *dv, *tmp;

	debugfs_remove_recursive(dvm->dir);
	list_for_each_entry_safe(dv, tmp, &dvm->vcpus, node)
		kfree(dv);
	kfree(dvm);
}

static struct vtel_dbg_vm *vtel_dbg_vm_find(u32 vm_id)
{
	struct vtel_dbg_vm *dvm;

	list_for_each_entry(dvm, &vtel_dbg_vms, node)
		if (dvm->vm_id == vm_id)
			return dvm;
	return NULL;
}

static void vtel_dbg_add_vcpu(struct vtel_dbg_vm *dvm, u32 vcpu_id)
{
	struct vtel_dbg_vcpu *dv;
	struct dentry *dir;
	char name[24];

	list_for_each_entry(dv, &dvm->vcpus, node)
		if (dv->vcpu_id == vcpu_id)
			return;
	dv = vtel_kzalloc(sizeof(*dv), GFP_KERNEL);
	if (!dv)
		return;
	dv->vm_id = dvm->vm_id;
	dv->vcpu_id = vcpu_id;
	list_add_tail(&dv->node, &dvm->vcpus);
	snprintf(name, sizeof(name), "vcpu%u", vcpu_id);
	dir = debugfs_create_dir(name, dvm->dir);
	debugfs_create_file("exits", 0400, dir,
			    (void *)((unsigned long)dv | VTEL_VIEW_VCPU),
			    &vtel_exits_fops);
}

static struct vtel_dbg_vm *vtel_dbg_add_vm(u32 vm_id, const char *name)
{
	struct vtel_dbg_vm *dvm = vtel_kzalloc(sizeof(*dvm), GFP_KERNEL);
	void *priv;

	if (!dvm)
		return NULL;
	dvm->vm_id = vm_id;
	INIT_LIST_HEAD(&dvm->vcpus);
	dvm->dir = debugfs_create_dir(name, vtel_dbg_vmdir);
	if (IS_ERR(dvm->dir)) {
		/* Retried on the next sync. */
		kfree(dvm);
		return NULL;
	}
	list_add_tail(&dvm->node, &vtel_dbg_vms);
	priv = (void *)((unsigned long)dvm | VTEL_VIEW_VM);
	debugfs_create_file("exits", 0400, dvm->dir, priv, &vtel_exits_fops);
	debugfs_create_file("categories", 0400, dvm->dir, priv,
			    &vtel_categories_fops);
	debugfs_create_file("vcpus", 0400, dvm->dir, dvm, &vtel_vcpus_fops);
	debugfs_create_file("addrs", 0400, dvm->dir, dvm, &vtel_addrs_fops);
	return dvm;
}

static void vtel_dbg_cg_free(struct vtel_dbg_cg *dcg)
{
	debugfs_remove_recursive(dcg->dir);
	kfree(dcg);
}

static void vtel_dbg_add_cg(u64 id, u32 level)
{
	struct vtel_dbg_cg *dcg;
	char name[24];

	list_for_each_entry(dcg, &vtel_dbg_cgs, node) {
		if (dcg->id == id) {
			dcg->seen = true;
			return;
		}
	}
	dcg = vtel_kzalloc(sizeof(*dcg), GFP_KERNEL);
	if (!dcg)
		return;
	dcg->id = id;
	dcg->level = level;
	dcg->seen = true;
	dcg->own.cg = dcg;
	dcg->all.cg = dcg;
	dcg->all.rollup = true;
	list_add_tail(&dcg->node, &vtel_dbg_cgs);
	snprintf(name, sizeof(name), "%llu", id);
	dcg->dir = debugfs_create_dir(name, vtel_dbg_cgdir);
	debugfs_create_file("exits", 0400, dcg->dir,
			    (void *)((unsigned long)&dcg->own | VTEL_VIEW_CGROUP),
			    &vtel_exits_fops);
	debugfs_create_file("rollup", 0400, dcg->dir,
			    (void *)((unsigned long)&dcg->all | VTEL_VIEW_CGROUP),
			    &vtel_exits_fops);
}

/* cgroup/<id>/ for every cgroup record; called with vtel_dbg_mutex. */
static void vtel_dbg_sync_cgroups(void)
{
	struct vtel_dbg_cg *dcg, *tmp;
	struct vtel_cg *cg;

	list_for_each_entry(dcg, &vtel_dbg_cgs, node)
		dcg->seen = false;
	list_for_each_entry_rcu(cg, &vtel_table.cgs, node, true)
		vtel_dbg_add_cg(cg->path.id, cg->path.level);
	list_for_each_entry_safe(dcg, tmp, &vtel_dbg_cgs, node) {
		if (dcg->seen)
			continue;
		list_del(&dcg->node);
		vtel_dbg_cg_free(dcg);
	}
}

/*
 * Bring vm/ in line with the table. Runs from the worker, the only
 * context that frees records, so the lists can be walked while sleeping.
 */
void vtel_debugfs_sync(void)
{
	struct vtel_dbg_vm *dvm, *tmp;
	struct vtel_vcpu *vc;
	struct vtel_vm *vm;

	mutex_lock(&vtel_dbg_mutex);
	if (!vtel_dbg_vmdir)
		goto out;
	/* Remove the gone first: a new VM may take an old one's name. */
	list_for_each_entry(dvm, &vtel_dbg_vms, node)
		dvm->seen = false;
	list_for_each_entry_rcu(vm, &vtel_table.vms, node, true) {
		dvm = vtel_dbg_vm_find(vm->id);
		if (dvm)
			dvm->seen = true;
	}
	list_for_each_entry_safe(dvm, tmp, &vtel_dbg_vms, node) {
		if (dvm->seen)
			continue;
		list_del(&dvm->node);
		vtel_dbg_vm_free(dvm);
	}
	list_for_each_entry_rcu(vm, &vtel_table.vms, node, true) {
		dvm = vtel_dbg_vm_find(vm->id);
		if (!dvm)
			dvm = vtel_dbg_add_vm(vm->id, vm->dir);
		if (!dvm)
			continue;
		list_for_each_entry_rcu(vc, &vm->vcpus, vm_node, true)
			vtel_dbg_add_vcpu(dvm, vc->vcpu_id);
	}
	vtel_dbg_sync_cgroups();
out:
	mutex_unlock(&vtel_dbg_mutex);
}

int vtel_debugfs_init(void)
{
	struct dentry *root = debugfs_create_dir("vtel", NULL);

	/* debugfs=off or not built: netlink is the interface, not an error. */
	if (IS_ERR(root)) {
		pr_info("debugfs not available (%ld): netlink only\n",
			PTR_ERR(root));
		return 0;
	}
	vtel_dbg_root = root;
	debugfs_create_file("summary", 0400, vtel_dbg_root, NULL,
			    &vtel_summary_fops);
	debugfs_create_file("exits", 0400, vtel_dbg_root, NULL,
			    &vtel_exits_fops);
	debugfs_create_file("categories", 0400, vtel_dbg_root, NULL,
			    &vtel_categories_fops);
	debugfs_create_file("vms", 0400, vtel_dbg_root, NULL, &vtel_vms_fops);
	debugfs_create_file("cpus", 0400, vtel_dbg_root, NULL,
			    &vtel_cpus_fops);
	debugfs_create_file("cgroups", 0400, vtel_dbg_root, NULL,
			    &vtel_cgroups_fops);
	debugfs_create_file("reset", 0200, vtel_dbg_root, NULL,
			    &vtel_reset_fops);
	vtel_dbg_vmdir = debugfs_create_dir("vm", vtel_dbg_root);
	vtel_dbg_cgdir = debugfs_create_dir("cgroup", vtel_dbg_root);
	vtel_alloc_debugfs(vtel_dbg_root);
	return 0;
}

void vtel_debugfs_exit(void)
{
	struct vtel_dbg_vm *dvm, *tmp;
	struct vtel_dbg_cg *dcg, *tcg;

	mutex_lock(&vtel_dbg_mutex);
	debugfs_remove_recursive(vtel_dbg_root);
	vtel_dbg_root = NULL;
	vtel_dbg_vmdir = NULL;
	vtel_dbg_cgdir = NULL;
	list_for_each_entry_safe(dcg, tcg, &vtel_dbg_cgs, node) {
		list_del(&dcg->node);
		dcg->dir = NULL;
		vtel_dbg_cg_free(dcg);
	}
	list_for_each_entry_safe(dvm, tmp, &vtel_dbg_vms, node) {
		list_del(&dvm->node);
		dvm->dir = NULL;
		vtel_dbg_vm_free(dvm);
	}
	mutex_unlock(&vtel_dbg_mutex);
}
