//! A bound for old-format .xls workbooks before calamine reads them. calamine
//! parses every sheet eagerly and allocates a dense grid of a sheet's extent
//! (from its DIMENSIONS record and its cells' positions), up to 65,536 ×
//! 65,536 cells, before any cap of ours applies: a 9 KB file found by fuzzing
//! asked for 137 GB. [`max_extent`] reads the compound file's Workbook stream
//! itself (header, FAT, directory, mini stream; every read bounded by the
//! file) and walks its BIFF records for the largest extent any sheet claims.

/// The largest rows × columns a sheet of this .xls claims (DIMENSIONS records
/// and the positions of its cell records), or `None` when the Workbook stream
/// cannot be found (calamine then decides what the bytes are).
pub fn max_extent(bytes: &[u8]) -> Option<u64> {
    let stream = workbook_stream(bytes)?;
    Some(extent(&stream))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

const END: u32 = 0xFFFF_FFFA; // and above: free, end of chain, FAT, DIFAT

/// Whether a sector chain calamine follows (the directory's, the mini FAT's,
/// or a stream's named in the directory) runs in a circle: calamine follows
/// each until the length the file declares, which may be gigabytes, and grows
/// its buffer until memory runs out (a fuzz input), so such a file is refused
/// first. Each sector is visited once over all chains.
pub fn chain_loops(bytes: &[u8]) -> bool {
    let Some((ss, sectors, fat)) = fat_of(bytes) else {
        return false;
    };
    // 0 unknown, 1 on the current walk, 2 ends, 3 loops
    let mut state = vec![0u8; fat.len()];
    let mut loops = |start: u32| {
        let mut path = Vec::new();
        let mut id = start;
        let verdict = loop {
            if id >= END {
                break 2;
            }
            match state.get(id as usize) {
                None => break 2, // past the FAT: calamine stops with an error
                Some(1) | Some(3) => break 3,
                Some(2) => break 2,
                _ => {}
            }
            state[id as usize] = 1;
            path.push(id);
            id = fat[id as usize];
        };
        for p in path {
            state[p as usize] = verdict;
        }
        verdict == 3
    };
    let Some(dir_start) = u32_at(bytes, 0x30) else {
        return false;
    };
    if loops(dir_start) || u32_at(bytes, 0x3C).is_some_and(&mut loops) {
        return true;
    }
    // the directory, read along its (now known to end) chain
    let mut id = dir_start;
    let mut hops = 0;
    while id < END && hops <= sectors {
        let start = (id as usize + 1) * ss;
        let Some(sector) = bytes.get(start..start + ss) else {
            break;
        };
        for e in sector.chunks_exact(128) {
            if matches!(e[66], 1 | 2 | 5) && u32_at(e, 116).is_some_and(&mut loops) {
                return true;
            }
        }
        id = fat.get(id as usize).copied().unwrap_or(END);
        hops += 1;
    }
    false
}

/// Sector size, number of sectors in the file, and the FAT.
fn fat_of(bytes: &[u8]) -> Option<(usize, usize, Vec<u32>)> {
    let shift = u16_at(bytes, 0x1E)?;
    if !(7..=16).contains(&shift) {
        return None;
    }
    let ss = 1usize << shift;
    let sectors = bytes.len() / ss;
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(ss)?;
        bytes.get(start..start.checked_add(ss)?)
    };
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
        .filter(|&s| s < END)
        .collect();
    let mut next = u32_at(bytes, 0x44)?;
    let mut hops = 0;
    while next < END && hops < sectors {
        let s = sector(next)?;
        let n = ss / 4 - 1;
        fat_sectors.extend((0..n).filter_map(|i| u32_at(s, 4 * i)).filter(|&x| x < END));
        next = u32_at(s, 4 * n)?;
        hops += 1;
    }
    fat_sectors.truncate(sectors);
    let fat = fat_sectors
        .iter()
        .filter_map(|&id| sector(id))
        .flat_map(|s| (0..ss / 4).filter_map(move |i| u32_at(s, 4 * i)))
        .collect();
    Some((ss, sectors, fat))
}

/// The Workbook (or Book) stream of a compound file.
fn workbook_stream(bytes: &[u8]) -> Option<Vec<u8>> {
    let (ss, sectors, fat) = fat_of(bytes)?; // sectors: an upper bound on any chain's length
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(ss)?;
        bytes.get(start..start.checked_add(ss)?)
    };
    let chain = |start: u32, table: &[u32], limit: usize| {
        let mut ids = Vec::new();
        let mut id = start;
        while id < END && ids.len() < limit {
            ids.push(id);
            id = table.get(id as usize).copied().unwrap_or(END);
        }
        ids
    };
    let read = |start: u32| -> Vec<u8> {
        chain(start, &fat, sectors)
            .into_iter()
            .filter_map(sector)
            .flatten()
            .copied()
            .collect()
    };
    let dir = read(u32_at(bytes, 0x30)?);
    let entries = dir.chunks_exact(128);
    let mut root_start = END;
    let mut found = None;
    for e in entries {
        let len = (u16_at(e, 64)? as usize).min(64);
        let name: Vec<u16> = (0..len.saturating_sub(2) / 2)
            .filter_map(|i| u16_at(e, 2 * i))
            .collect();
        let name = String::from_utf16_lossy(&name);
        let (typ, start, size) = (e[66], u32_at(e, 116)?, u32_at(e, 120)? as usize);
        if typ == 5 {
            root_start = start;
        }
        if typ == 2 && (name == "Workbook" || name == "Book") && found.is_none() {
            found = Some((start, size));
        }
    }
    let (start, size) = found?;
    let cutoff = u32_at(bytes, 0x38).unwrap_or(4096) as usize;
    let mut stream = if size < cutoff {
        // In the mini stream: 64-byte sectors chained by the mini FAT.
        let minifat: Vec<u32> = read(u32_at(bytes, 0x3C)?)
            .chunks_exact(4)
            .filter_map(|c| u32_at(c, 0))
            .collect();
        let mini = read(root_start);
        let ms = 1usize << u16_at(bytes, 0x20).unwrap_or(6).min(12);
        chain(start, &minifat, mini.len() / ms.max(1) + 1)
            .into_iter()
            .filter_map(|id| {
                let at = (id as usize).checked_mul(ms)?;
                mini.get(at..at.checked_add(ms)?)
            })
            .flatten()
            .copied()
            .collect()
    } else {
        read(start)
    };
    stream.truncate(size);
    Some(stream)
}

/// The largest extent of any sheet in a BIFF record stream.
fn extent(s: &[u8]) -> u64 {
    let mut max = 0u64;
    // (min row, max row, min col, max col) of the current substream's cells
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let close = |b: &mut Option<(u32, u32, u32, u32)>, max: &mut u64| {
        if let Some((r0, r1, c0, c1)) = b.take() {
            let n = u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
            *max = (*max).max(n);
        }
    };
    let mut at = 0;
    while let (Some(typ), Some(len)) = (u16_at(s, at), u16_at(s, at + 2)) {
        let Some(d) = s.get(at + 4..at + 4 + len as usize) else {
            break;
        };
        at += 4 + len as usize;
        let mut cell = |r: u32, c: u32| {
            bounds = Some(match bounds {
                None => (r, r, c, c),
                Some((r0, r1, c0, c1)) => (r0.min(r), r1.max(r), c0.min(c), c1.max(c)),
            });
        };
        match typ {
            0x0809 => close(&mut bounds, &mut max),
            0x0200 => {
                let (rf, rl, cf, cl) = match d.len() {
                    10 => (
                        u32::from(u16_at(d, 0).unwrap_or(0)),
                        u32::from(u16_at(d, 2).unwrap_or(0)),
                        u16_at(d, 4).unwrap_or(0),
                        u16_at(d, 6).unwrap_or(0),
                    ),
                    14 | 16 => (
                        u32_at(d, 0).unwrap_or(0),
                        u32_at(d, 4).unwrap_or(0),
                        u16_at(d, 8).unwrap_or(0),
                        u16_at(d, 10).unwrap_or(0),
                    ),
                    _ => continue,
                };
                max = max.max(dimensions_reserve(rf, rl, u32::from(cf), u32::from(cl)));
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x0201 => {
                if let (Some(r), Some(c)) = (u16_at(d, 0), u16_at(d, 2)) {
                    cell(u32::from(r), u32::from(c));
                }
            }
            0x00BD => {
                // MulRk: row, first column, …, last column
                if let (Some(r), Some(c0), Some(c1)) = (
                    u16_at(d, 0),
                    u16_at(d, 2),
                    u16_at(d, d.len().saturating_sub(2)),
                ) {
                    cell(u32::from(r), u32::from(c0));
                    cell(u32::from(r), u32::from(c1));
                }
            }
            _ => {}
        }
    }
    close(&mut bounds, &mut max);
    max
}

/// The cells calamine 0.38 reserves for a DIMENSIONS record, computed as it
/// does (`parse_dimensions`, then `(end - start + 1)` in `u32`, which wraps
/// when the first row is past the last): a first row of 3,523,215,360 and a
/// last of 25 made it reserve 309 GB.
fn dimensions_reserve(rf: u32, rl: u32, cf: u32, cl: u32) -> u64 {
    let cf = if 0xFF < cf || cl < cf { 0 } else { cf };
    let (start, end) = if 1 <= rl && 1 <= cl {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let rows = end.0.wrapping_sub(start.0).wrapping_add(1) as usize;
    let cols = end.1.wrapping_sub(start.1).wrapping_add(1) as usize;
    rows.saturating_mul(cols) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_give_the_largest_extent() {
        let rec = |typ: u16, d: &[u8]| {
            let mut v = typ.to_le_bytes().to_vec();
            v.extend((d.len() as u16).to_le_bytes());
            v.extend(d);
            v
        };
        let number = |r: u16, c: u16| {
            let mut d = r.to_le_bytes().to_vec();
            d.extend(c.to_le_bytes());
            d.extend([0; 10]);
            rec(0x0203, &d)
        };
        let mut s = rec(0x0809, &[0; 16]);
        s.extend(number(0, 0));
        s.extend(number(9, 4));
        s.extend(rec(0x0809, &[0; 16]));
        s.extend(number(65_000, 200));
        s.extend(number(1, 1));
        assert_eq!(extent(&s), 65_000 * 200);
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(65_536u32.to_le_bytes());
        dims.extend(0u16.to_le_bytes());
        dims.extend(65_535u16.to_le_bytes());
        dims.extend([0, 0]);
        // as calamine reserves it: rows rf..rl-1, columns cf..cl-1
        assert_eq!(extent(&rec(0x0200, &dims)), 65_536 * 65_535);
        assert_eq!(extent(&[1, 2, 3]), 0);
    }
}
