//! # Floor: a yardstick, never deployed on a chain
//!
//! The least a call into a contract costs in this suite's build: one message that writes
//! one storage cell. `city bench` measures it beside the city's contracts, and the
//! simulator and the fuzzer quote their call rates as a ratio to its rate in the same run.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
mod floor {
    /// One cell.
    #[ink(storage)]
    #[derive(Default)]
    pub struct Floor {
        value: u32,
    }

    impl Floor {
        /// A floor whose cell holds zero.
        #[ink(constructor)]
        pub fn new() -> Self {
            Self::default()
        }

        /// Writes `value` to the cell.
        ///
        /// # Errors
        /// None.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn set(&mut self, value: u32) {
            self.value = value;
        }

        /// The cell's value.
        ///
        /// # Errors
        /// None.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn get(&self) -> u32 {
            self.value
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[ink::test]
        fn set_writes_the_cell() {
            let mut floor = Floor::new();
            assert_eq!(floor.get(), 0);
            floor.set(7);
            assert_eq!(floor.get(), 7);
        }
    }
}
