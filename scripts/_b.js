const L = require('../lib/dist'); const tf = L.tf;
(async()=>{ await L.useBackend('tensorflow', {print:false});
function t(name, f, n=8){ f(); const t0=Date.now(); for(let i=0;i<n;i++) f(); console.log(process.env.TF_ENABLE_ONEDNN_OPTS, name, ((Date.now()-t0)/n).toFixed(1),'ms'); }
const m = new L.ConvNet(); const opt = L.optim.SGD(m.parameters(), {lr:0.1});
const x = tf.randomNormal([100,28,28,1]); const y = tf.tensor1d(Array.from({length:100},(_,i)=>i%10),'int32');
t('cnn trainStep', ()=>L.trainStep(m,opt,x,y));
})();
