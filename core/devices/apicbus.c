/*
 * apicbus.c - the APIC bus: how an interrupt message from a local APIC's
 * ICR or from an I/O APIC pin finds the local APICs it is for (SDM vol. 3,
 * 10.6.2 "Determining IPI Destination"), and how an EOI of a
 * level-triggered vector gets back to the I/O APIC.
 *
 * A message names its destinations by a shorthand (self, all, all but
 * self) or by a destination field: a physical APIC ID (0xFF: everyone) or,
 * in logical mode, a mask matched against each APIC's LDR under its DFR
 * model (lapic_matches()). A fixed message goes to every match; a
 * lowest-priority one to a single match, which lab86 fixes as the one
 * with the lowest APIC ID (hardware arbitrates on the APICs' priorities;
 * software may not rely on which CPU wins, so any choice is legal).
 * Delivery is instantaneous and in ascending CPU order, so runs are
 * deterministic.
 */
#include "lapic.h"

/* Is l among msg's destinations, sent by from? */
static bool selected(const struct lapic *l, const struct apic_msg *msg, const struct lapic *from)
{
    switch (msg->shorthand) {
    case APIC_SH_SELF: return l == from;
    case APIC_SH_ALL: return true;
    case APIC_SH_OTHERS: return l != from;
    case APIC_SH_NONE: break;
    }
    return lapic_matches(l, msg);
}

void apic_bus_deliver(struct apic_bus *ab, const struct apic_msg *msg, struct lapic *from)
{
    struct lapic *lowest = NULL;
    for (int k = 0; k < APIC_MAX_CPUS; k++) {
        struct lapic *l = ab->apic[k];
        if (!l || !selected(l, msg, from))
            continue;
        if (msg->delivery != APIC_DM_LOWEST)
            lapic_accept(l, msg);
        else if (!lowest || lapic_id(l) < lapic_id(lowest))
            lowest = l;
    }
    if (lowest)
        lapic_accept(lowest, msg);
}

void apic_bus_eoi(struct apic_bus *ab, uint8_t vector)
{
    if (ab->eoi)
        ab->eoi(ab->eoi_opaque, vector);
}
