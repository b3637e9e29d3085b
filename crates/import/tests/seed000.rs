use sansho_import::{Overrides, Seed, seed000};

const S000: &[u8] = include_bytes!("../../../data/seeds/000_5783f1c91487ba10.txt");
const S004: &[u8] = include_bytes!("../../../data/seeds/004_a1475434a89fb475.txt");
const OV: &str = include_str!("../../../data/overrides/000.toml");

#[test]
fn dump() {
    let s0 = Seed::new("000_5783f1c91487ba10.txt", S000).unwrap();
    let s4 = Seed::new("004_a1475434a89fb475.txt", S004).unwrap();
    let ov = Overrides::parse("data/overrides/000.toml", OV).unwrap();
    let out = seed000::import(&s0, &s4, &ov);
    match out {
        Ok(o) => {
            println!("{}", o.reports[0]);
            ov.finish().unwrap();
            if let Ok(dir) = std::env::var("SANSHO_DUMP") {
                for c in &o.catalogs {
                    std::fs::write(format!("{dir}/{}.toml", c.id), sansho_catalog::catalog_to_toml(c, &[])).unwrap();
                }
                for m in &o.mapping_sets {
                    std::fs::write(format!("{dir}/{}.toml", m.id), sansho_catalog::mapping_set_to_toml(m, &[])).unwrap();
                }
            }
        }
        Err(e) => panic!("{e}"),
    }
}
