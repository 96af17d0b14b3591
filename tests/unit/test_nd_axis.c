/* nd_axis: the timeline's time axis with long gaps compressed. */
#include <math.h>

#include "check.h"
#include "nd_axis.h"
#include "nd_time.h"

#define S ND_TICKS_PER_SECOND
#define DAY (86400 * S)

/* One cluster: a linear axis from 0 to 1, no break. */
static void test_linear(void)
{
	nd_axis a;
	int64_t k;

	nd_axis_init(&a);
	for (k = 0; k <= 60; k++)
		nd_axis_add(&a, 1000 * S + k * 60 * S);
	nd_axis_finish(&a);
	CHECK(a.nseg == 1);
	CHECK(fabs(nd_axis_x(&a, 1000 * S)) < 1e-9);
	CHECK(fabs(nd_axis_x(&a, 1000 * S + 3600 * S) - 1) < 1e-9);
	CHECK(fabs(nd_axis_x(&a, 1000 * S + 1800 * S) - 0.5) < 1e-9);
}

/* Two bursts ten months apart: one break, each burst gets a fair share
 * of the width and keeps its order. */
static void test_two_clusters(void)
{
	nd_axis a;
	int64_t k, b = 300 * DAY;

	nd_axis_init(&a);
	for (k = 0; k < 6; k++)
		nd_axis_add(&a, k * 420 * S);
	for (k = 0; k < 4; k++)
		nd_axis_add(&a, b + k * 180 * S);
	nd_axis_finish(&a);
	CHECK(a.nseg == 2);
	CHECK(a.seg[0].to == 5 * 420 * S && a.seg[1].from == b);
	CHECK(a.seg[0].x1 - a.seg[0].x0 > 0.3 && a.seg[1].x1 - a.seg[1].x0 > 0.25);
	CHECK(fabs(a.seg[1].x0 - a.seg[0].x1 - ND_AXIS_BREAK) < 1e-9);
	CHECK(nd_axis_x(&a, 420 * S) < nd_axis_x(&a, 840 * S));
	CHECK(nd_axis_x(&a, 5 * 420 * S) < nd_axis_x(&a, b));
	/* A time inside the break is drawn at the end of the cluster before. */
	CHECK(fabs(nd_axis_x(&a, 100 * DAY) - a.seg[0].x1) < 1e-9);
	CHECK(fabs(nd_axis_x(&a, b + 540 * S) - 1) < 1e-9);
}

/* More gaps than segments: only the largest become breaks; a single
 * time and no time at all stay drawable. */
static void test_many_gaps_and_edges(void)
{
	nd_axis a;
	int64_t k;

	nd_axis_init(&a);
	for (k = 0; k < 20; k++)
		nd_axis_add(&a, k * (k % 2 ? 30 : 1) * DAY);
	nd_axis_finish(&a);
	CHECK(a.nseg <= ND_AXIS_SEGMENTS && a.nseg >= 2);
	for (k = 1; k < (int64_t)a.nseg; k++)
		CHECK(a.seg[k].x0 > a.seg[k - 1].x1 && a.seg[k].from > a.seg[k - 1].to);
	CHECK(a.seg[a.nseg - 1].x1 <= 1 + 1e-9);

	nd_axis_init(&a);
	nd_axis_add(&a, 5 * S);
	nd_axis_finish(&a);
	CHECK(a.nseg == 1 && fabs(nd_axis_x(&a, 5 * S) - 0.5) < 1e-9);

	nd_axis_init(&a);
	nd_axis_finish(&a);
	CHECK(a.nseg == 1);
	CHECK(nd_axis_x(&a, 0) >= 0 && nd_axis_x(&a, 0) <= 1);
}

/* Round steps: a minute-long segment with 6 ticks steps 10 s; a year with 4
 * ticks steps 91 days; a zero length still gets a step. */
/* Stored times are input: the extremes of int64 and a time thousands of
 * years out (fuzz_pipeline found len * 10 overflowing) lay out without
 * overflow, in order, inside [0, 1]. */
static void test_extreme_times(void)
{
	static const int64_t t[] = {INT64_MIN, -5 * DAY, 0, 1671571264041312345LL, INT64_MAX - 1, INT64_MAX};
	nd_axis a;
	size_t k;

	nd_axis_init(&a);
	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++)
		nd_axis_add(&a, t[k]);
	nd_axis_finish(&a);
	CHECK(a.nseg >= 2);
	CHECK(nd_axis_x(&a, INT64_MIN) >= 0.0 && nd_axis_x(&a, INT64_MAX) <= 1.0);
	for (k = 1; k < sizeof(t) / sizeof(t[0]); k++)
		CHECK(nd_axis_x(&a, t[k - 1]) <= nd_axis_x(&a, t[k]));
	CHECK(nd_axis_x(&a, 0) < nd_axis_x(&a, 1671571264041312345LL));
}

static void test_steps(void)
{
	CHECK(nd_axis_step(60 * S, 6) == 10 * S);
	CHECK(nd_axis_step(3600 * S, 6) == 600 * S);
	CHECK(nd_axis_step(365 * DAY, 4) == 91 * DAY || nd_axis_step(365 * DAY, 4) == 182 * DAY);
	CHECK(nd_axis_step(0, 3) == S);
	CHECK(nd_axis_step(50 * 365 * DAY, 2) >= 25 * 365 * DAY);
	CHECK(nd_axis_step(3600 * S, 0) == 3600 * S);
}

int main(void)
{
	test_linear();
	test_two_clusters();
	test_many_gaps_and_edges();
	test_extreme_times();
	test_steps();
	return check_report();
}
