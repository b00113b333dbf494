#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest part of tests/lab/demo.sh: run a few VMs with different exit
# mixes at the same time, then show what vtel's debugfs files say (or, with
# no vtel.ko, what KVM's own counters say).  Output between the BEGIN and
# END markers is what demo.sh shows.
. /lab/lib.sh
cd /tmp

show() {
	echo
	echo "---- $1"
	cat "$1"
}

load_kvm || fail demo-kvm-load "kvm modules did not load"
have_vtel=0
if [ -f "$VTEL_KO" ]; then
	if insmod "$VTEL_KO"; then have_vtel=1; else fail demo-vtel-insmod "insmod vtel.ko failed"; fi
fi

echo "=== VTEL-DEMO-BEGIN"
echo "Kernel $(uname -r) under QEMU/TCG, nested SVM; $(nproc) vCPUs."
[ $have_vtel = 1 ] && echo "vtel $(awk '$1 == "version" { print $2 }' $DBG/summary) loaded after kvm."
echo
V=/extra/vtel
CG=/sys/fs/cgroup
mkdir -p $CG/tenant-a/vm-a $CG/tenant-a/vm-b $CG/tenant-b/vm-c $CG/tenant-b/vm-d
# incg CGROUP OUT ARGS: a VMM in a cgroup, as a container runtime starts one.
incg() {
	_c=$1 _o=$2; shift 2
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CG/$_c" "$VMM" "$@" \
		>"$_o" 2>"$_o.err"
}
echo "Four VMMs at once, each in its own cgroup (each holds its VMs open"
echo "for 4 s after running):"
echo "  A tenant-a/vm-a: io-heavy     --io 5000 --cpuid 100 --mmio 50"
echo "  B tenant-a/vm-b: cpuid-heavy  --io 200 --cpuid 3000 --vcpus 2"
echo "  C tenant-b/vm-c: mmio-heavy   --io 300 --mmio 1500"
echo "  D tenant-b/vm-d: two VMs      --io 400 --cpuid 400 --mmio 100 --vms 2"
t=$(uptime_s)
incg tenant-a/vm-a a.out --io 5000 --cpuid 100 --mmio 50 --hold 4 & pa=$!
incg tenant-a/vm-b b.out --io 200 --cpuid 3000 --vcpus 2 --hold 4 & pb=$!
incg tenant-b/vm-c c.out --io 300 --mmio 1500 --hold 4 & pc=$!
incg tenant-b/vm-d d.out --io 400 --cpuid 400 --mmio 100 --vms 2 --hold 4 & pd=$!
# Wait until every vCPU has reported (the VMs are still open).
reported() { [ "$(cat a.out b.out c.out d.out 2>/dev/null | grep -c '^vm=')" -ge 6 ]; }
wait_until 20 reported || fail demo-vmm-report "not every vCPU reported within 20 s"
echo "All guests halted after $(since "$t")s."

echo
echo "KVM's own per-vCPU counters (KVM_GET_STATS_FD), the oracle:"
for f in a b c d; do
	sed "s/^/  $f: /" $f.out | awk '{ printf "%s", $1; for (i = 2; i <= NF; i++) if ($i !~ /^(tid|rounds|guest_)/) printf " %s", $i; print "" }'
done

# run CMD...: show a command line and what it prints.
run() {
	echo
	echo "\$ $*"
	"$@" 2>&1
}
if [ $have_vtel = 1 ] && [ -x $V ]; then
	echo
	echo "What the vtel CLI shows while the VMs are live:"
	ln -sf $V /bin/vtel
	mkdir -p $CG/tenant-b/vm-e
	echo "(and a fifth VMM, tenant-b/vm-e, looping io and cpuid for 6 s)"
	incg tenant-b/vm-e e.out --io 100 --cpuid 20 --loop 6 & pe=$!
	sleep 1
	pida=$(field pid <a.out | head -n1)
	run vtel status
	run vtel vms
	run vtel exits
	run vtel exits --pid "$pida" --top 4
	run vtel hist io --pid "$pida"
	run vtel cgroups --tree
	echo
	echo "\$ vtel top --by cgroup --count 1 --interval 1 | cat"
	vtel top --by cgroup --count 1 --interval 1 | cat
	run vtel exits --cgroup /tenant-b --top 3
	echo
	echo "\$ vtel export --format prometheus | grep -E 'vtel_exits_total.*reason=\"io\"' | head -n 4"
	vtel export --format prometheus | grep -E 'vtel_exits_total.*reason="io"' | head -n 4
fi
if [ $have_vtel = 1 ]; then
	echo
	echo "The same, human-readable in debugfs:"
	show $DBG/summary
	show $DBG/exits
	[ -f $DBG/categories ] && show $DBG/categories
	show $DBG/vms
	show $DBG/cpus
	for f in a b c d; do
		pid=$(field pid <$f.out | head -n1)
		for dir in $(awk -v p="$pid" '$1 !~ /^#/ && $2 == p { print $10 }' $DBG/vms); do
			wait_until 2 [ -f $DBG/vm/$dir/vcpus ]
			show $DBG/vm/$dir/exits
			show $DBG/vm/$dir/vcpus
		done
	done
	pid=$(field pid <b.out | head -n1)
	show $DBG/vm/$pid/vcpu1/exits
	show $DBG/cgroups
fi
wait $pa $pb $pc $pd ${pe:-}
if [ $have_vtel = 1 ]; then
	echo
	echo "After the VMMs exited, their VMs are retired but still listed:"
	show $DBG/vms
fi

echo
kvm_total=$(cat a.out b.out c.out d.out e.out 2>/dev/null | sumf exits)
if [ $have_vtel = 1 ]; then
	vtel_total=$(awk '$1 == "exits" { print $2 }' $DBG/summary)
	echo "Total exits: KVM counted $kvm_total, vtel counted $vtel_total."
else
	echo "Total exits counted by KVM: $kvm_total."
	echo "(No vtel.ko for $(uname -r): build it with 'make modules-all' to see vtel's views.)"
fi
echo "=== VTEL-DEMO-END"

for f in a b c d; do
	check "demo-vmm-$f" "testvmm failed: $(cat $f.out.err)" [ ! -s $f.out.err ]
done
[ $have_vtel = 1 ] && t_eq demo-vtel-matches-kvm "$vtel_total" "$kvm_total"
rmmod vtel 2>/dev/null
lab_done
