// SPDX-License-Identifier: GPL-2.0
/*
 * The hot-path microbenchmark, built only with `make ... VTEL_BENCH=1`
 * (tests/bench.sh and the smoke test in tests/check.sh): writing N to
 * /sys/kernel/debug/vtel_bench calls the real kvm_exit/kvm_entry probes N
 * times on a synthetic SVM vCPU (exit reason cpuid) and an empty probe
 * pair N times, both through function pointers as a tracepoint calls them,
 * in alternating chunks with IRQs off as in svm_vcpu_run(). Reading gives
 *
 *   pairs=N empty_ns=T vtel_ns=T empty_best=P vtel_best=P
 *
 * (totals, and the best chunk's time per pair, in ns; under QEMU -icount
 * shift=0 ns are instructions). The synthetic VM is retired afterwards.
 * It needs the SVM layout checked on a real vCPU first (-EAGAIN).
 */
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "vtel_arch.h"
#include "vtel_bench.h"
#include "vtel_compat.h"
#include "vtel_hook.h"
#include "vtel_vm.h"

#define VTEL_BENCH_CHUNK	1000
#define VTEL_BENCH_MAX		10000000

static noinline void notrace vtel_bench_empty_exit(VTEL_KVM_EXIT_PROTO)
{
}

static noinline void notrace vtel_bench_empty_entry(VTEL_KVM_ENTRY_PROTO)
{
}

/* Probes of the same types as the real ones, which the bench calls. */
struct vtel_bench_pair {
	typeof(vtel_bench_empty_exit) *exit;
	typeof(vtel_bench_empty_entry) *entry;
};

static DEFINE_MUTEX(vtel_bench_mutex);
static struct dentry *vtel_bench_file;
static char vtel_bench_result[128];

/* @n pairs of @p on @vcpu with IRQs off: the elapsed ns. */
static u64 vtel_bench_chunk(const struct vtel_bench_pair *p,
			    struct kvm_vcpu *vcpu, unsigned int n)
{
	typeof(p->exit) ex = READ_ONCE(p->exit);
	typeof(p->entry) en = READ_ONCE(p->entry);
	unsigned long flags;
	unsigned int i;
	u64 t;

	local_irq_save(flags);
	t = ktime_get_ns();
	for (i = 0; i < n; i++) {
		ex(NULL, vcpu, VTEL_ISA_SVM);
		vtel_kvm_entry_call(en, NULL, vcpu);
	}
	t = ktime_get_ns() - t;
	local_irq_restore(flags);
	return t;
}

static int vtel_bench_run(u64 n)
{
	static const struct vtel_bench_pair empty = {
		vtel_bench_empty_exit, vtel_bench_empty_entry,
	};
	struct vtel_bench_pair real;
	struct vtel_x86_svm_head *svm;
	u64 t_empty = 0, t_real = 0, b_empty = U64_MAX, b_real = U64_MAX;
	struct vmcb *vmcb;
	struct kvm *kvm;
	u64 done = 0;
	int err = -ENOMEM;

	if (READ_ONCE(vtel_x86_svm_layout) != VTEL_X86_LAYOUT_OK)
		return -EAGAIN;
	vtel_hook_bench_probes(&real.exit, &real.entry);
	kvm = kzalloc(sizeof(*kvm), GFP_KERNEL);
	svm = kzalloc(sizeof(*svm), GFP_KERNEL);
	vmcb = (struct vmcb *)get_zeroed_page(GFP_KERNEL);
	if (!kvm || !svm || !vmcb)
		goto out;
	vmcb->control.exit_code = SVM_EXIT_CPUID;
	svm->vcpu.kvm = kvm;
	svm->vmcb = vmcb;
	svm->vmcb01.ptr = vmcb;
	svm->vmcb01.pa = __pa(vmcb);
	svm->current_vmcb = &svm->vmcb01;

	/* First sighting and a warm cache outside the timed chunks. */
	vtel_bench_chunk(&real, &svm->vcpu, 2);
	while (done < n) {
		unsigned int c = min_t(u64, n - done, VTEL_BENCH_CHUNK);
		u64 te = vtel_bench_chunk(&empty, &svm->vcpu, c);
		u64 tr = vtel_bench_chunk(&real, &svm->vcpu, c);

		t_empty += te;
		t_real += tr;
		if (c == VTEL_BENCH_CHUNK) {
			b_empty = min(b_empty, te);
			b_real = min(b_real, tr);
		}
		done += c;
		cond_resched();
	}
	if (b_empty == U64_MAX) {
		b_empty = t_empty;
		b_real = t_real;
	} else {
		n = VTEL_BENCH_CHUNK;
	}
	snprintf(vtel_bench_result, sizeof(vtel_bench_result),
		 "pairs=%llu empty_ns=%llu vtel_ns=%llu empty_best=%llu.%03llu vtel_best=%llu.%03llu\n",
		 done, t_empty, t_real, div64_u64(b_empty, n),
		 div64_u64((b_empty % n) * 1000, n), div64_u64(b_real, n),
		 div64_u64((b_real % n) * 1000, n));
	err = 0;
	vtel_vm_retire(kvm);
out:
	free_page((unsigned long)vmcb);
	kfree(svm);
	kfree(kvm);
	return err;
}

static ssize_t vtel_bench_write(struct file *f, const char __user *ubuf,
				size_t len, loff_t *off)
{
	u64 n;
	int err = kstrtou64_from_user(ubuf, len, 0, &n);

	if (err)
		return err;
	if (!n || n > VTEL_BENCH_MAX)
		return -EINVAL;
	mutex_lock(&vtel_bench_mutex);
	err = vtel_bench_run(n);
	mutex_unlock(&vtel_bench_mutex);
	return err ? err : len;
}

static ssize_t vtel_bench_read(struct file *f, char __user *ubuf, size_t len,
			       loff_t *off)
{
	char buf[sizeof(vtel_bench_result)];

	mutex_lock(&vtel_bench_mutex);
	memcpy(buf, vtel_bench_result, sizeof(buf));
	mutex_unlock(&vtel_bench_mutex);
	return simple_read_from_buffer(ubuf, len, off, buf, strlen(buf));
}

static const struct file_operations vtel_bench_fops = {
	.owner = THIS_MODULE,
	.read = vtel_bench_read,
	.write = vtel_bench_write,
	.llseek = default_llseek,
};

void vtel_bench_init(void)
{
	vtel_bench_file = debugfs_create_file("vtel_bench", 0600, NULL, NULL,
					      &vtel_bench_fops);
}

void vtel_bench_exit(void)
{
	debugfs_remove(vtel_bench_file);
}
