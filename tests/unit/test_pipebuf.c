/*
 * The byte ring behind pipes (guestos/core/pipebuf.c): bytes come out in the
 * order they went in, across the wrap-around and the free-running counters'
 * own overflow; a full ring takes nothing and an empty one gives nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kernel.h>

#define SIZE 64
static uint8_t mem[SIZE];
static struct pipebuf b;

static int setup(void **state)
{
	(void)state;
	memset(mem, 0xAB, sizeof(mem));
	pipebuf_init(&b, mem, SIZE);
	return 0;
}

static void empty_then_full(void **state)
{
	(void)state;
	uint8_t buf[100];
	assert_int_equal(pipebuf_used(&b), 0);
	assert_int_equal(pipebuf_space(&b), SIZE);
	assert_int_equal(pipebuf_read(&b, buf, 10), 0);
	memset(buf, 7, sizeof(buf));
	assert_int_equal(pipebuf_write(&b, buf, 100), SIZE); /* takes what fits */
	assert_int_equal(pipebuf_space(&b), 0);
	assert_int_equal(pipebuf_write(&b, buf, 1), 0);
	assert_int_equal(pipebuf_read(&b, buf, 100), SIZE);
	assert_int_equal(pipebuf_used(&b), 0);
}

static void order_kept_across_the_wrap(void **state)
{
	(void)state;
	uint8_t in[SIZE], out[SIZE];
	for (int i = 0; i < SIZE; i++)
		in[i] = (uint8_t)i;
	assert_int_equal(pipebuf_write(&b, in, 50), 50);
	assert_int_equal(pipebuf_read(&b, out, 40), 40);
	assert_memory_equal(out, in, 40);
	assert_int_equal(pipebuf_write(&b, in, 40), 40); /* 10 at the end, 30 wrapped */
	assert_int_equal(pipebuf_read(&b, out, SIZE), 50);
	assert_memory_equal(out, in + 40, 10);
	assert_memory_equal(out + 10, in, 40);
}

static void counters_may_overflow(void **state)
{
	(void)state;
	uint8_t in[8] = "abcdefg", out[8];
	b.head = b.tail = 0xFFFFFFFC; /* as after 4 GiB through the pipe */
	assert_int_equal(pipebuf_write(&b, in, 8), 8);
	assert_int_equal(pipebuf_used(&b), 8);
	assert_int_equal(pipebuf_read(&b, out, 8), 8);
	assert_memory_equal(out, in, 8);
}

/* Random writes and reads against a plain array as the model. */
static void matches_a_model(void **state)
{
	(void)state;
	static uint8_t model[1 << 16];
	uint32_t produced = 0, consumed = 0, seed = 12345;
	uint8_t buf[SIZE * 2];
	for (int step = 0; step < 20000; step++) {
		seed = seed * 1103515245 + 12345;
		size_t n = (seed >> 16) % (SIZE + 20);
		if ((seed >> 8) & 1) {
			for (size_t i = 0; i < n; i++)
				buf[i] = (uint8_t)(produced + i);
			size_t took = pipebuf_write(&b, buf, n);
			assert_int_equal(took, n < SIZE - (produced - consumed)
						   ? n
						   : SIZE - (produced - consumed));
			for (size_t i = 0; i < took; i++)
				model[(produced + i) % sizeof(model)] = buf[i];
			produced += (uint32_t)took;
		} else {
			size_t got = pipebuf_read(&b, buf, n);
			assert_int_equal(got, n < produced - consumed ? n : produced - consumed);
			for (size_t i = 0; i < got; i++)
				assert_int_equal(buf[i], model[(consumed + i) % sizeof(model)]);
			consumed += (uint32_t)got;
		}
		assert_int_equal(pipebuf_used(&b), produced - consumed);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(empty_then_full, setup),
		cmocka_unit_test_setup(order_kept_across_the_wrap, setup),
		cmocka_unit_test_setup(counters_may_overflow, setup),
		cmocka_unit_test_setup(matches_a_model, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
