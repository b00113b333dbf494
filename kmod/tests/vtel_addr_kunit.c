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

static void hit(struct vtel_addrs *t, u32 max, u64 key, u64 ns, unsigned int n)
{
	while (n--)
		vtel_addr_account(t, max, key, ns);
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
}

/* A full table: what does not fit is in other, and nothing is lost. */
static void vtel_addr_test_full(struct kunit *test)
{
	struct vtel_addrs *t = table(test, 2);
	u64 sum = 0;
	u32 i;

	for (i = 0; i < 10; i++)
		hit(t, 2, OUT(i), 7, i + 1);
	KUNIT_EXPECT_EQ(test, t->nr, 2U);
	KUNIT_EXPECT_EQ(test, t->e[0].count, 1ULL);
	KUNIT_EXPECT_EQ(test, t->e[1].count, 2ULL);
	KUNIT_EXPECT_EQ(test, t->other.count, 55ULL - 3);
	KUNIT_EXPECT_EQ(test, t->other.ns, 7ULL * (55 - 3));
	/* Known keys still hit their rows after the table filled. */
	hit(t, 2, OUT(0), 7, 5);
	KUNIT_EXPECT_EQ(test, t->e[0].count, 6ULL);
	for (i = 0; i < t->nr; i++)
		sum += t->e[i].count;
	KUNIT_EXPECT_EQ(test, sum + t->other.count, 55ULL + 5);

	/* A table of size 0 counts everything in other. */
	t = table(test, 0);
	hit(t, 0, OUT(1), 3, 4);
	KUNIT_EXPECT_EQ(test, t->nr, 0U);
	KUNIT_EXPECT_EQ(test, t->other.count, 4ULL);
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

	/* A view with no room left puts the rest in other. */
	memset(v, 0, sizeof(*v));
	v->nr = VTEL_ADDR_VIEW_MAX;
	for (i = 0; i < VTEL_ADDR_VIEW_MAX; i++)
		v->e[i].key = OUT(0x1000 + i);
	vtel_addr_merge(v, b);
	KUNIT_EXPECT_EQ(test, v->nr, (u32)VTEL_ADDR_VIEW_MAX);
	KUNIT_EXPECT_EQ(test, v->other.count, 3ULL + 70 + 200 + 1 + 1);
	KUNIT_EXPECT_EQ(test, v->other.ns, 33ULL + 1400 + 2000 + 10 + 30);
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
