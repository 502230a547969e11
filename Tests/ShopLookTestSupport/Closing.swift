// Tests close their producer and pool the way the commands do.
@_exported import func ShopLookCommandSupport.closing
