# SPDX-License-Identifier: GPL-2.0
# In-guest helpers for the lab scripts (busybox sh).  Source with
#   . /lab/lib.sh
# Report with pass/fail (TAP-like lines the runner counts) and end with done.

KMOD=/lab/kmod
VMM=/bin/vtel-testvmm
VTEL_KO=/lab/vtel.ko
DBG=/sys/kernel/debug/vtel
T0=$(cut -d' ' -f1 /proc/uptime)

uptime_s() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.2f", b - a }'; }
say() { echo "# $*"; }

pass() { echo "ok - $1"; }
fail() { _n=$1; shift; echo "not ok - $_n: $*"; }
# check NAME WHY CMD...: pass if CMD succeeds, else fail with WHY.
check() { _n=$1 _w=$2; shift 2; if "$@"; then pass "$_n"; else fail "$_n" "$_w"; fi; }
# Numeric comparisons that fail loudly on empty or non-numeric values.
isnum() { case $1 in ''|*[!0-9]*) return 1 ;; esac; }
t_eq() { if isnum "$2" && isnum "$3" && [ "$2" -eq "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi; }
t_ge() { if isnum "$2" && isnum "$3" && [ "$2" -ge "$3" ]; then pass "$1"; else fail "$1" "got '$2', want >= '$3'"; fi; }
t_le() { if isnum "$2" && isnum "$3" && [ "$2" -le "$3" ]; then pass "$1"; else fail "$1" "got '$2', want <= '$3'"; fi; }
t_gt() { if isnum "$2" && isnum "$3" && [ "$2" -gt "$3" ]; then pass "$1"; else fail "$1" "got '$2', want > '$3'"; fi; }

lab_done() {
	echo "# script time $(since "$T0")s"
	echo VTEL-LAB-DONE
}

# field KEY < lines: the value of KEY=... on each line.
field() { awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) print substr($i, length(k) + 2) }'; }
# sumf KEY < lines: the sum of KEY=... over all lines (empty if none).
sumf() { awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) { s += substr($i, length(k) + 2); n++ } } END { if (n) printf "%.0f\n", s }'; }

mod_loaded() { grep -q "^$1 " /proc/modules; }

# The host CPU's virtualisation extension, vmx (Bochs) or svm (QEMU/TCG),
# the modules KVM needs on it (ccp only serves SEV), and the kernel's names
# (VMX_EXIT_REASONS, SVM_EXIT_REASONS) of the exits the test VMM makes: R_IO
# for "out", R_CPUID, R_HLT, and R_MMIO, the reasons an access to unbacked
# guest memory can take (VMX: EPT_VIOLATION first, EPT_MISCONFIG once KVM
# has cached the address as MMIO).
if grep -qw vmx /proc/cpuinfo; then
	LAB_ISA=vmx KVM_VENDOR=kvm-intel KVM_MODS="irqbypass kvm kvm-intel"
	R_IO=IO_INSTRUCTION R_CPUID=CPUID R_HLT=HLT
	R_MMIO="EPT_VIOLATION EPT_MISCONFIG"
else
	LAB_ISA=svm KVM_VENDOR=kvm-amd KVM_MODS="irqbypass ccp kvm kvm-amd"
	R_IO=io R_CPUID=cpuid R_HLT=hlt R_MMIO=npf
fi

load_kvm() {
	for m in $KVM_MODS; do
		_mn=$(echo $m | tr - _)
		mod_loaded "$_mn" && continue
		[ -f "$KMOD/$m.ko" ] || [ "$m" != ccp ] || continue
		insmod "$KMOD/$m.ko" || { echo "# insmod $m failed"; return 1; }
	done
	[ -c /dev/kvm ]
}

unload_kvm() { rmmod "$(echo $KVM_VENDOR | tr - _)" && rmmod kvm; }

# vmm OUT ARGS...: run the test VMM, stdout to OUT, stderr to OUT.err.
vmm() { _o=$1; shift; "$VMM" "$@" >"$_o" 2>"$_o.err"; }

# check_kvm_lines PREFIX FILE NLINES: the KVM-oracle checks on each VMM line.
check_kvm_lines() {
	_p=$1 _f=$2 _nl=$3
	t_eq "$_p-lines" "$(grep -c '^vm=' "$_f")" "$_nl"
	_bad=$(awk '/^vm=/ {
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		want = v["guest_io"] + v["guest_cpuid"] + v["guest_mmio"] + 1
		why = ""
		if (v["io_exits"] != v["guest_io"]) why = why " io_exits=" v["io_exits"] "!=guest_io=" v["guest_io"]
		if (v["mmio_exits"] != v["guest_mmio"]) why = why " mmio_exits=" v["mmio_exits"] "!=guest_mmio=" v["guest_mmio"]
		if (v["halt_exits"] != 1) why = why " halt_exits=" v["halt_exits"] "!=1"
		if (v["exits"] < want) why = why " exits=" v["exits"] "<" want
		# Sanity upper bound: the rest are irq and rare npf/other exits.
		if (v["exits"] > want + want / 20 + 200) why = why " exits=" v["exits"] ">>" want
		if (why != "") print "vm" v["vm"] "/vcpu" v["vcpu"] ":" why
	}' "$_f")
	check "$_p-kvm-oracle" "$_bad" [ -z "$_bad" ]
}

# The backend run.sh booted (lab_backend= on the command line): qemu or bochs.
LAB_BACKEND=$(sed -n 's/.*lab_backend=\([a-z]*\).*/\1/p' /proc/cmdline)
LAB_BACKEND=${LAB_BACKEND:-qemu}
# wait_until's poll: 0.1 s, but 2 ms under Bochs, where a looping VM makes
# about 500 exits per millisecond of guest time while the shell sleeps.
LAB_POLL_US=100000
[ "$LAB_BACKEND" = bochs ] && LAB_POLL_US=2000

# wait_until SECS CMD...: poll CMD every LAB_POLL_US until it succeeds (0) or
# SECS seconds pass (1).
wait_until() {
	_wn=$(($1 * 1000000 / LAB_POLL_US)) _wi=0
	shift
	while ! "$@"; do
		_wi=$((_wi + 1))
		[ $_wi -ge $_wn ] && return 1
		usleep $LAB_POLL_US
	done
	return 0
}

# kmemleak_vtel NAME: on a kernel with kmemleak (the debug kernel), two
# scans must report nothing naming vtel (the first report is shown).
kmemleak_vtel() {
	[ -e /sys/kernel/debug/kmemleak ] || return 0
	echo scan >/sys/kernel/debug/kmemleak
	sleep 1
	echo scan >/sys/kernel/debug/kmemleak
	_kl=$(grep -c vtel /sys/kernel/debug/kmemleak)
	[ "$_kl" = 0 ] || head -n 40 /sys/kernel/debug/kmemleak
	t_eq "$1" "$_kl" 0
}
