/* A source file that includes PROBE_HEADER, compiled against one layer's
 * include path by tests/layers.cmake: it must fail to compile when the
 * header belongs to a higher layer, and compile when it belongs to a lower
 * one. */
#include PROBE_HEADER

int layer_probe(void);

int layer_probe(void)
{
	return 0;
}
