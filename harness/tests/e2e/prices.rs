//! The contracts pallet's prices as `harness::sandbox::prices` reads them, from which
//! `city bench` works out its lower bounds, checked against a charge the pallet made.

use harness::{
    city::{ALICE, BOB},
    sandbox,
};

use crate::city_with_holders;

#[test]
fn the_pallets_prices_bound_a_transfer_from_below_and_closely() {
    let mut city = city_with_holders();
    let transfer = city.token(ALICE).transfer(BOB, 300);
    let charged = transfer.weight.ref_time();
    transfer.expect_accepted();
    let p = sandbox::prices();
    // What a PSP22 transfer to a holder must do: load the token's code, then pay.
    let code = city.token.bundle.wasm.len() as u64 * p.code_byte;
    let floor = code + p.payment();
    assert!(
        floor <= charged,
        "a floor of {floor} over the {charged} charged"
    );
    // Prices near zero would make every floor hold and say nothing.
    assert!(
        floor * 10 >= charged * 6,
        "a floor of {floor} is far below the {charged} charged"
    );
    assert!(p.write > p.read && p.topic > p.read && p.call > p.write);
}
