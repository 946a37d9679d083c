#!/usr/bin/env python3
"""CPU check (numpy) of the register-fragment permutation used by gqa_decode_kernel.

Emulates mma.m16n8k16 fragment layouts for one 16-token step: the QK^T scores and the PV output
computed from the permuted 16-byte loads must equal Q K^T and P V. Prints the max errors (~1e-13)."""
import numpy as np
rng=np.random.default_rng(0)
# fragment helpers: a "word" is a pair (lo, hi) of values
def mma(a, b, c):
    # a[lane] = [a0,a1,a2,a3] each pair; b[lane]=[b0,b1]; c[lane]=[4 floats]
    A=np.zeros((16,16)); B=np.zeros((16,8))
    for lane in range(32):
        g=lane>>2; t=lane&3
        for e in range(2):
            A[g][2*t+e]=a[lane][0][e]; A[g+8][2*t+e]=a[lane][1][e]
            A[g][2*t+8+e]=a[lane][2][e]; A[g+8][2*t+8+e]=a[lane][3][e]
            B[2*t+e][g]=b[lane][0][e]; B[2*t+8+e][g]=b[lane][1][e]
    D=A@B
    out=[]
    for lane in range(32):
        g=lane>>2; t=lane&3
        cc=c[lane]
        out.append([cc[0]+D[g][2*t], cc[1]+D[g][2*t+1], cc[2]+D[g+8][2*t], cc[3]+D[g+8][2*t+1]])
    return out
def words(vec8):  # uint4 of 8 bf16 -> 4 words (pairs)
    return [(vec8[2*w], vec8[2*w+1]) for w in range(4)]
Q=rng.standard_normal((16,128)); K=rng.standard_normal((16,128)); V=rng.standard_normal((16,128))
qa=[];qb=[];kr=[];vr=[]
for lane in range(32):
    r=lane>>2;c=lane&3
    qa.append([words(Q[r][32*i+8*c:32*i+8*c+8]) for i in range(4)])
    qb.append([words(Q[r+8][32*i+8*c:32*i+8*c+8]) for i in range(4)])
    ktok=(r>>1)*4+(r&1)
    kr.append([[words(K[ktok+2*tt][32*i+8*c:32*i+8*c+8]) for i in range(4)] for tt in range(2)])
    vr.append([[words(V[4*c+qq][64*s+8*r:64*s+8*r+8]) for s in range(2)] for qq in range(4)])
sc=[]
for tt in range(2):
    acc=[[0.0]*4 for _ in range(32)]
    for j in range(8):
        w=2*(j&1)
        a=[[qa[l][j>>1][w], qb[l][j>>1][w], qa[l][j>>1][w+1], qb[l][j>>1][w+1]] for l in range(32)]
        b=[[kr[l][tt][j>>1][w], kr[l][tt][j>>1][w+1]] for l in range(32)]
        acc=mma(a,b,acc)
    sc.append(acc)
S=Q@K.T
err=0
for tt in range(2):
    for lane in range(32):
        g=lane>>2;t=lane&3
        for e in range(2):
            j=2*t+e; tok=(j//2)*4+2*tt+(j%2)
            err=max(err,abs(sc[tt][lane][e]-S[g][tok]), abs(sc[tt][lane][2+e]-S[g+8][tok]))
print("QK max err",err)
# PV with P = S (any values)
P=S
o=[[[0.0]*4 for _ in range(32)] for i in range(16)]
pa=[[(sc[0][l][0],sc[0][l][1]),(sc[0][l][2],sc[0][l][3]),(sc[1][l][0],sc[1][l][1]),(sc[1][l][2],sc[1][l][3])] for l in range(32)]
def perm(x,y,sel):  # x,y words (lo,hi)
    return (x[0],y[0]) if sel==0x5410 else (x[1],y[1])
for i in range(16):
    s=i>>3;e=i&7;wd=e>>1;sel=0x7632 if e&1 else 0x5410
    b=[[perm(vr[l][0][s][wd],vr[l][1][s][wd],sel), perm(vr[l][2][s][wd],vr[l][3][s][wd],sel)] for l in range(32)]
    res=mma(pa,b,[o[i][l] for l in range(32)])
    for l in range(32): o[i][l]=res[l]
Oref=P@V
err=0
for lane in range(32):
    r=lane>>2;c=lane&3
    for s in range(2):
        for e in range(8):
            d0=64*s+16*c+e; d1=d0+8
            err=max(err,abs(o[8*s+e][lane][0]-Oref[r][d0]),abs(o[8*s+e][lane][1]-Oref[r][d1]),abs(o[8*s+e][lane][2]-Oref[r+8][d0]),abs(o[8*s+e][lane][3]-Oref[r+8][d1]))
print("PV max err",err)
