// SPDX-License-Identifier: GPL-2.0
/* KUnit tests for the per-vCPU port and MMIO page table. */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "../vtel_addr.h"

#define OUT(p)	VTEL_ADDR_KEY(VTEL_ADDR_PIO_OUT, p)
#define IN(p)	VTEL_ADDR_KEY(VTEL_ADDR_PIO_IN, p)
#define MW(a)	VTEL_ADDR_KEY(VTEL_ADDR_MMIO_WRITE, a)

static struct vtel_addrs *table(struct kunit *test, u32 max)
{
	struct vtel_addrs *t;

	t = kunit_kzalloc(test, struct_size(t, e, max), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	return t;
}

/* n exits of key, each ns long, a fifth of it vmm and a tenth wait. */
static void hit(struct vtel_addrs *t, u32 max, u64 key, u64 ns, unsigned int n)
{
	struct vtel_split s = { .vmm_ns = ns / 5, .wait_ns = ns / 10 };

	while (n--)
		vtel_addr_account(t, max, key, ns, &s);
}

/* Every exit in a row or in other: counts, time and split. */
static void expect_sums(struct kunit *test, const struct vtel_addrs *t,
			u64 count, u64 ns, u64 vmm)
{
	u64 c = t->other.count, n = t->other.ns, v = t->other.split.vmm_ns;
	u32 i;

	for (i = 0; i < t->nr; i++) {
		c += t->e[i].count;
		n += t->e[i].ns;
		v += t->e[i].split.vmm_ns;
	}
	KUNIT_EXPECT_EQ(test, c, count);
	KUNIT_EXPECT_EQ(test, n, ns);
	KUNIT_EXPECT_EQ(test, v, vmm);
}

/* The row of key, or NULL. */
static const struct vtel_addr_ent *row(const struct vtel_addrs *t, u64 key)
{
	u32 i;

	for (i = 0; i < t->nr; i++)
		if (t->e[i].key == key)
			return &t->e[i];
	return NULL;
}

static void vtel_addr_test_key(struct kunit *test)
{
	u64 k = VTEL_ADDR_KEY(VTEL_ADDR_MMIO_READ, 0xfebf1000ULL);

	KUNIT_EXPECT_EQ(test, vtel_addr_kind(k), (unsigned int)VTEL_ADDR_MMIO_READ);
	KUNIT_EXPECT_EQ(test, vtel_addr_of(k), 0xfebf1000ULL);
	/* A 52-bit guest-physical page fits under the kind. */
	k = VTEL_ADDR_KEY(VTEL_ADDR_MMIO, (1ULL << 52) - 4096);
	KUNIT_EXPECT_EQ(test, vtel_addr_kind(k), (unsigned int)VTEL_ADDR_MMIO);
	KUNIT_EXPECT_EQ(test, vtel_addr_of(k), (1ULL << 52) - 4096);
	KUNIT_EXPECT_NE(test, OUT(0x10), IN(0x10));
	KUNIT_EXPECT_NE(test, OUT(0), 0ULL);	/* 0 means unused */
}

/* The known mix of the lab's test VMM, through the fast and slow paths. */
static void vtel_addr_test_mix(struct kunit *test)
{
	struct vtel_addrs *t = table(test, 8);

	hit(t, 8, OUT(0x10), 100, 300);
	hit(t, 8, IN(0x13), 10, 200);
	hit(t, 8, MW(0x9000), 1000, 120);
	hit(t, 8, OUT(0x10), 100, 1);
	KUNIT_EXPECT_EQ(test, t->nr, 3U);
	KUNIT_EXPECT_EQ(test, t->e[0].key, OUT(0x10));
	KUNIT_EXPECT_EQ(test, t->e[0].count, 301ULL);
	KUNIT_EXPECT_EQ(test, t->e[0].ns, 30100ULL);
	KUNIT_EXPECT_EQ(test, t->e[1].count, 200ULL);
	KUNIT_EXPECT_EQ(test, t->e[2].count, 120ULL);
	KUNIT_EXPECT_EQ(test, t->e[2].ns, 120000ULL);
	KUNIT_EXPECT_EQ(test, t->last, 0U);
	KUNIT_EXPECT_EQ(test, t->other.count, 0ULL);
	/* The split of each row is the sum of its exits' splits. */
	KUNIT_EXPECT_EQ(test, t->e[0].split.vmm_ns, 301ULL * 20);
	KUNIT_EXPECT_EQ(test, t->e[0].split.wait_ns, 301ULL * 10);
	KUNIT_EXPECT_EQ(test, t->e[2].split.vmm_ns, 120ULL * 200);
	KUNIT_EXPECT_EQ(test, t->e[2].split.idle_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, t->e[0].err + t->e[1].err + t->e[2].err, 0ULL);
}

/*
 * A full table: a new key takes the row of least estimate, whose exits go
 * to other; nothing is lost.
 */
static void vtel_addr_test_full(struct kunit *test)
{
	struct vtel_addrs *t = table(test, 2);
	u32 i;

	/* Keys 0..9 with 1..10 exits each, one key after the other. */
	for (i = 0; i < 10; i++)
		hit(t, 2, OUT(i), 7, i + 1);
	KUNIT_EXPECT_EQ(test, t->nr, 2U);
	/* Each newcomer evicted the previous one: the last two stay. */
	KUNIT_ASSERT_NOT_NULL(test, row(t, OUT(8)));
	KUNIT_ASSERT_NOT_NULL(test, row(t, OUT(9)));
	KUNIT_EXPECT_EQ(test, row(t, OUT(9))->count, 10ULL);
	KUNIT_EXPECT_EQ(test, row(t, OUT(8))->count, 9ULL);
	expect_sums(test, t, 55, 7 * 55, 55);
	/* Their errors bound what they may have had before. */
	KUNIT_EXPECT_LE(test, row(t, OUT(9))->err, 55ULL / 2);
	/* Known keys still hit their rows. */
	hit(t, 2, OUT(9), 7, 5);
	KUNIT_EXPECT_EQ(test, row(t, OUT(9))->count, 15ULL);
	expect_sums(test, t, 60, 7 * 60, 60);

	/* A table of size 0 counts everything in other. */
	t = table(test, 0);
	hit(t, 0, OUT(1), 3, 4);
	KUNIT_EXPECT_EQ(test, t->nr, 0U);
	KUNIT_EXPECT_EQ(test, t->other.count, 4ULL);
}

/*
 * The table keeps the most frequent keys: a frequent key that arrives
 * after rare ones filled the table gets a row and keeps it, while rare
 * keys keep arriving between its exits. (A first-come table put all of
 * its exits in other.)
 */
static void vtel_addr_test_frequent(struct kunit *test)
{
	struct vtel_addrs *t = table(test, 4);
	const struct vtel_addr_ent *e;
	u64 n = 0, ns = 0, vmm = 0;
	u32 i;

	for (i = 0; i < 4; i++) {
		hit(t, 4, IN(0x100 + i), 10, 2);
		n += 2;
		ns += 20;
		vmm += 4;
	}
	KUNIT_EXPECT_EQ(test, t->nr, 4U);
	for (i = 0; i < 300; i++) {
		hit(t, 4, MW(0x9000), 1000, 1);
		/* A rare key every third exit, each one new. */
		if (i % 3 == 0) {
			hit(t, 4, IN(0x200 + i), 10, 1);
			n++;
			ns += 10;
			vmm += 2;
		}
	}
	n += 300;
	ns += 300 * 1000;
	vmm += 300 * 200;
	e = row(t, MW(0x9000));
	KUNIT_ASSERT_NOT_NULL(test, e);
	/* It took a row at its first exit and never lost it: exact. */
	KUNIT_EXPECT_EQ(test, e->count, 300ULL);
	KUNIT_EXPECT_EQ(test, e->ns, 300ULL * 1000);
	KUNIT_EXPECT_EQ(test, e->split.vmm_ns, 300ULL * 200);
	KUNIT_EXPECT_EQ(test, e->split.wait_ns, 300ULL * 100);
	KUNIT_EXPECT_EQ(test, e->err, 2ULL);
	/* The guarantee: every row's error is at most N / rows. */
	for (i = 0; i < t->nr; i++)
		KUNIT_EXPECT_LE(test, t->e[i].err, n / 4);
	expect_sums(test, t, n, ns, vmm);
	/* The last row hit is the frequent key's after its next exit. */
	hit(t, 4, MW(0x9000), 1000, 1);
	KUNIT_EXPECT_PTR_EQ(test, &t->e[t->last], e);
	KUNIT_EXPECT_EQ(test, e->count, 301ULL);
	/* Each eviction is seen by readers as two steps of seq. */
	KUNIT_EXPECT_EQ(test, t->seq % 2, 0U);
	KUNIT_EXPECT_GT(test, t->seq, 0U);
}

/*
 * Any key with more than N / rows exits has a row, whatever the order:
 * a deterministic shuffle of a skewed stream over many keys.
 */
static void vtel_addr_test_bound(struct kunit *test)
{
	static const u32 freq[] = { 400, 300, 250, 200 };
	struct vtel_addrs *t = table(test, 8);
	u32 left[ARRAY_SIZE(freq)], i, k, x = 1, n = 0;
	u32 rare = 0;

	memcpy(left, freq, sizeof(left));
	for (i = 0; i < ARRAY_SIZE(freq); i++)
		n += freq[i];
	n += 400;		/* 400 exits on 200 rare keys, 2 each */
	for (i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		k = (x >> 16) % (ARRAY_SIZE(freq) + 1);
		if (k < ARRAY_SIZE(freq) && left[k]) {
			hit(t, 8, OUT(k), 1, 1);
			left[k]--;
		} else if (rare < 400) {
			hit(t, 8, IN(0x1000 + rare / 2), 1, 1);
			rare++;
		} else {
			for (k = 0; !left[k]; k++)
				;
			hit(t, 8, OUT(k), 1, 1);
			left[k]--;
		}
	}
	expect_sums(test, t, n, n, 0);
	for (k = 0; k < ARRAY_SIZE(freq); k++) {
		const struct vtel_addr_ent *e = row(t, OUT(k));

		/* n / 8 = 193: every one of these is above it. */
		KUNIT_ASSERT_GT(test, freq[k], n / 8);
		KUNIT_ASSERT_NOT_NULL(test, e);
		/* Exact since it took its row; at most err before. */
		KUNIT_EXPECT_LE(test, e->count, (u64)freq[k]);
		KUNIT_EXPECT_GE(test, e->count + e->err, (u64)freq[k]);
	}
}

static void vtel_addr_test_zero(struct kunit *test)
{
	struct vtel_addrs *t = table(test, 4);

	hit(t, 4, OUT(1), 3, 4);
	hit(t, 4, OUT(2), 3, 4);
	vtel_addr_zero(t);
	KUNIT_EXPECT_EQ(test, t->nr, 0U);
	KUNIT_EXPECT_EQ(test, t->other.count, 0ULL);
	/* The stale row at [last] is not trusted: nr is 0. */
	hit(t, 4, OUT(2), 5, 1);
	KUNIT_EXPECT_EQ(test, t->nr, 1U);
	KUNIT_EXPECT_EQ(test, t->e[0].key, OUT(2));
	KUNIT_EXPECT_EQ(test, t->e[0].count, 1ULL);
	KUNIT_EXPECT_EQ(test, t->e[0].ns, 5ULL);
}

/* Two vCPUs summed into a VM view, sorted as perf kvm stat sorts. */
static void vtel_addr_test_merge(struct kunit *test)
{
	struct vtel_addrs *a = table(test, 4), *b = table(test, 4);
	struct vtel_addr_view *v;
	u32 i;

	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	hit(a, 4, OUT(0x10), 10, 300);
	hit(a, 4, MW(0x9000), 10, 50);
	hit(b, 4, MW(0x9000), 20, 70);
	hit(b, 4, IN(0x13), 10, 200);
	hit(b, 4, IN(0x14), 10, 1);
	hit(b, 4, IN(0x15), 30, 1);
	b->other.count = 3;
	b->other.ns = 33;
	vtel_addr_merge(v, a);
	vtel_addr_merge(v, b);
	vtel_addr_sort(v);
	KUNIT_ASSERT_EQ(test, v->nr, 5U);
	KUNIT_EXPECT_EQ(test, v->e[0].key, OUT(0x10));
	KUNIT_EXPECT_EQ(test, v->e[1].key, IN(0x13));
	KUNIT_EXPECT_EQ(test, v->e[2].key, MW(0x9000));
	KUNIT_EXPECT_EQ(test, v->e[2].count, 120ULL);
	KUNIT_EXPECT_EQ(test, v->e[2].ns, 1900ULL);
	/* equal counts: more time first */
	KUNIT_EXPECT_EQ(test, v->e[3].key, IN(0x15));
	KUNIT_EXPECT_EQ(test, v->e[4].key, IN(0x14));
	KUNIT_EXPECT_EQ(test, v->other.count, 3ULL);

	KUNIT_EXPECT_EQ(test, v->e[2].split.vmm_ns, 50ULL * 2 + 70 * 4);

	/*
	 * A full view keeps the rows with most exits: b's 0x13 (200) takes
	 * the place of the least (100), the rest go to other.
	 */
	memset(v, 0, sizeof(*v));
	v->nr = VTEL_ADDR_VIEW_MAX;
	for (i = 0; i < VTEL_ADDR_VIEW_MAX; i++) {
		v->e[i].key = OUT(0x1000 + i);
		v->e[i].count = i == 5 ? 100 : 1000;
		v->e[i].ns = 1;
	}
	vtel_addr_merge(v, b);
	KUNIT_EXPECT_EQ(test, v->nr, (u32)VTEL_ADDR_VIEW_MAX);
	KUNIT_EXPECT_EQ(test, v->e[5].key, IN(0x13));
	KUNIT_EXPECT_EQ(test, v->e[5].count, 200ULL);
	KUNIT_EXPECT_EQ(test, v->other.count, 3ULL + 100 + 70 + 1 + 1);
	KUNIT_EXPECT_EQ(test, v->other.ns, 33ULL + 1 + 1400 + 10 + 30);
}

/* A row that changes key while it is read counts in other, not under a key. */
static void vtel_addr_test_torn(struct kunit *test)
{
	struct vtel_addrs *t = table(test, 2);
	struct vtel_addr_view *v;

	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	hit(t, 2, OUT(1), 5, 3);
	hit(t, 2, OUT(2), 5, 4);
	t->seq++;	/* as vtel_addr_evict() leaves it midway */
	vtel_addr_merge(v, t);
	KUNIT_EXPECT_EQ(test, v->nr, 0U);
	KUNIT_EXPECT_EQ(test, v->other.count, 7ULL);
	t->seq++;
	memset(v, 0, sizeof(*v));
	vtel_addr_merge(v, t);
	KUNIT_EXPECT_EQ(test, v->nr, 2U);
	KUNIT_EXPECT_EQ(test, v->other.count, 0ULL);
}

/* A not-present NPF is MMIO only if KVM counted an MMIO exit for it. */
static void vtel_addr_test_confirm(struct kunit *test)
{
	u64 k = MW(0x9000) | VTEL_ADDR_TENTATIVE;

	KUNIT_EXPECT_EQ(test, vtel_addr_confirm(k, 7, 8), MW(0x9000));
	KUNIT_EXPECT_EQ(test, vtel_addr_confirm(k, 7, 7), 0ULL);	/* RAM */
	KUNIT_EXPECT_EQ(test, vtel_addr_kind(k), (unsigned int)VTEL_ADDR_MMIO_WRITE);
	KUNIT_EXPECT_EQ(test, vtel_addr_of(vtel_addr_confirm(k, 0, 1)), 0x9000ULL);
}

static struct kunit_case vtel_addr_cases[] = {
	KUNIT_CASE(vtel_addr_test_confirm),
	KUNIT_CASE(vtel_addr_test_key),
	KUNIT_CASE(vtel_addr_test_mix),
	KUNIT_CASE(vtel_addr_test_full),
	KUNIT_CASE(vtel_addr_test_frequent),
	KUNIT_CASE(vtel_addr_test_bound),
	KUNIT_CASE(vtel_addr_test_torn),
	KUNIT_CASE(vtel_addr_test_zero),
	KUNIT_CASE(vtel_addr_test_merge),
	{}
};

static struct kunit_suite vtel_addr_suite = {
	.name = "vtel_addr",
	.test_cases = vtel_addr_cases,
};

kunit_test_suites(&vtel_addr_suite);

MODULE_DESCRIPTION("KUnit tests for vtel's port and MMIO page table");
MODULE_LICENSE("GPL");
