// SPDX-License-Identifier: GPL-2.0
/*
 * The maintenance worker: what a vtel_table_kick() or the periodic tick
 * runs, in process context. The only context that frees records.
 */
#include <linux/rcupdate.h>

#include "vtel_cg.h"
#include "vtel_table.h"
#include "vtel_view.h"
#include "vtel_vm.h"
#include "vtel_worker.h"

typedef void (*vtel_changed_fn)(void);
typedef bool (*vtel_alive_fn)(u64 id);

/* The table changed: debugfs and netlink catch up. */
static vtel_changed_fn vtel_worker_changed;
/* Does a cgroup still exist? */
static vtel_alive_fn vtel_worker_cg_alive;
/* The periodic checks of the KVM glue. */
static vtel_changed_fn vtel_worker_tick;

static bool vtel_worker_evict_one(void)
{
	struct vtel_vm *victim = vtel_vm_evict_next();

	if (!victim)
		return false;
	/* Fold and unlink under the mutex so readers see one or the other. */
	mutex_lock(&vtel_table.fold_mutex);
	rcu_read_lock();
	vtel_view_fold_vm(victim);
	rcu_read_unlock();
	vtel_vm_unlink(victim);
	mutex_unlock(&vtel_table.fold_mutex);

	synchronize_rcu();
	vtel_vm_free(victim);
	return true;
}

/* The views catch up, unless nothing changed since they last did. */
static void vtel_worker_tell(vtel_changed_fn changed)
{
	struct vtel_counters c;

	vtel_table_counters(&c);
	if (!changed || c.generation == vtel_table.seen_gen)
		return;
	vtel_table.seen_gen = c.generation;
	changed();
}

/*
 * Evict what is due, refill the pools, tell the views. Removed cgroups
 * are looked for on the periodic run only. A run that made no room
 * leaves vtel_table.starved set, so starved vCPUs do not kick again.
 */
void vtel_worker_run(void)
{
	vtel_changed_fn changed = READ_ONCE(vtel_worker_changed);
	vtel_alive_fn alive = READ_ONCE(vtel_worker_cg_alive);
	bool tick = xchg(&vtel_table.tick_due, 0);
	u32 records = vtel_table_records();
	bool freed = false;	/* evicted, released or folded */

	vtel_vm_retire_dead();
	vtel_table_refill();
	/* Views and events see every VM before it can be evicted. */
	vtel_worker_tell(changed);
	while (vtel_worker_evict_one())
		freed = true;
	if (tick && alive && vtel_cg_release(alive))
		freed = true;
	if (tick && READ_ONCE(vtel_worker_tick))
		vtel_worker_tick();
	if (vtel_vm_fold_segs())
		freed = true;
	if (freed)
		vtel_table_refill();
	if (freed || vtel_table_records() > records)
		WRITE_ONCE(vtel_table.starved, 0);
	vtel_worker_tell(changed);
}

static void vtel_worker_fn(struct work_struct *work)
{
	vtel_worker_run();
}

void vtel_worker_set_changed(void (*changed)(void))
{
	vtel_worker_changed = changed;
}

void vtel_worker_set_cg_alive(bool (*alive)(u64 id))
{
	vtel_worker_cg_alive = alive;
}

void vtel_worker_set_tick(void (*tick)(void))
{
	vtel_worker_tick = tick;
}

/* The tables for @lim, with every pool holding records. */
int vtel_worker_init(const struct vtel_limits *lim)
{
	const struct vtel_table *t = &vtel_table;
	int err;

	err = vtel_table_init(lim, vtel_worker_fn);
	if (err)
		return err;
	vtel_table_refill();
	if (!t->vm_pool.nr_free || !t->vcpu_pool.nr_free ||
	    !t->seg_pool.nr_free || !t->cg_pool.nr_free) {
		vtel_worker_exit();
		return -ENOMEM;
	}
	vtel_table_start();
	return 0;
}

/* Stop the worker; probes must be gone already. */
void vtel_worker_stop(void)
{
	vtel_table_stop();
}

/* Called once nothing can reach the tables. */
void vtel_worker_exit(void)
{
	vtel_table_stop();
	synchronize_rcu();
	vtel_vm_free_all();
	vtel_cg_free_all();
	vtel_table_exit();
}
