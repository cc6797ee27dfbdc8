"""Stock keeping for a small warehouse."""
from dataclasses import dataclass, field


@dataclass
class Item:
    sku: str
    on_hand: int
    daily_demand: float


def reorder_quantity(item: Item, lead_time_days: int, safety_days: int = 3) -> int:
    """How many units to order so that stock lasts through the supplier's lead time."""
    needed = item.daily_demand * (lead_time_days + safety_days)
    return max(0, round(needed - item.on_hand))


@dataclass
class Warehouse:
    items: dict = field(default_factory=dict)

    def restock(self, sku: str, units: int) -> None:
        """Add delivered units to an item's stock level."""
        self.items[sku].on_hand += units

    def low_stock(self, threshold: int):
        """Items whose stock on hand fell below the threshold."""
        return [i for i in self.items.values() if i.on_hand < threshold]
