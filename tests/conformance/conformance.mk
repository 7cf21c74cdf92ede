# Conformance: published test vectors run against the CPU core.
#
#   make conformance                 the sst286 real-mode vectors (tests/conformance/README.md)
#   make conformance SST286_DIR=...  the same with the data elsewhere
#
# The runner takes the data directory as its argument; sst286 --only XX runs one form.

SST286_DIR ?= ../shared/testdata/sst286
CONF_SRC := $(addprefix tests/conformance/,sst286.c rules.c moo.c meta.c)
CONF_OBJ := $(CONF_SRC:%.c=$(BUILD)/obj/%.o)
SST286 := $(BUILD)/tests/sst286

$(SST286): $(CONF_OBJ) $(BUILD)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(CONF_OBJ) $(CORE_LINK) -lz

# Both interpreter cores must pass every vector.
conformance: $(SST286)
	$(SST286) $(SST286_DIR)
	$(SST286) --core threaded $(SST286_DIR)

CHECK_TARGETS += conformance

-include $(CONF_OBJ:.o=.d)
