#include "nd_strpool.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE 65536

struct nd_strpool_block {
	nd_strpool_block *next;
	size_t used, size;
	char data[];
};

const char *nd_strpool_addn(nd_strpool *p, const char *s, size_t n)
{
	nd_strpool_block *b = p->head;
	char *out;

	if (!b || b->size - b->used < n + 1) {
		size_t size = n + 1 > BLOCK_SIZE ? n + 1 : BLOCK_SIZE;

		if (!(b = malloc(sizeof(*b) + size)))
			return NULL;
		b->size = size;
		b->used = 0;
		/* A block made for one long string goes behind the current one, so that
		 * the current one keeps being filled. */
		if (p->head && size > BLOCK_SIZE) {
			b->next = p->head->next;
			p->head->next = b;
		} else {
			b->next = p->head;
			p->head = b;
		}
	}
	out = b->data + b->used;
	memcpy(out, s, n);
	out[n] = '\0';
	b->used += n + 1;
	return out;
}

const char *nd_strpool_add(nd_strpool *p, const char *s)
{
	return nd_strpool_addn(p, s, strlen(s));
}

void nd_strpool_free(nd_strpool *p)
{
	while (p->head) {
		nd_strpool_block *next = p->head->next;

		free(p->head);
		p->head = next;
	}
}
