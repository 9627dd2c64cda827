// The geometries the JavaScript side writes into memory before a convolution or pooling call,
// read in place: a pointer to the i32 fields, in the order of the Conv2DInfo and Pool2DInfo
// interfaces, becomes one of these with changetype.

@unmanaged
export class ConvGeometry {
  batch: i32;
  inH: i32;
  inW: i32;
  inC: i32;
  outH: i32;
  outW: i32;
  outC: i32;
  kH: i32;
  kW: i32;
  strideH: i32;
  strideW: i32;
  dilationH: i32;
  dilationW: i32;
  padTop: i32;
  padLeft: i32;
}

@unmanaged
export class PoolGeometry {
  batch: i32;
  inH: i32;
  inW: i32;
  channels: i32;
  outH: i32;
  outW: i32;
  kH: i32;
  kW: i32;
  strideH: i32;
  strideW: i32;
  padTop: i32;
  padLeft: i32;
}

/** Byte offset of the float (or int) at `index`. */
// @ts-ignore: decorator (AssemblyScript)
@inline
export function at(index: i32): usize {
  return <usize>index << 2;
}
